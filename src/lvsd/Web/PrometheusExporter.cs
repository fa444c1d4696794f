using System.Globalization;
using System.Text;
using LvsDirector.DataPath;
using LvsDirector.Services;
using LvsDirector.Statistics;

namespace LvsDirector.Daemon.Web;

/// <summary>
/// Writes the director's counters in the Prometheus text exposition format 0.0.4. Scrapes are rare (seconds
/// apart) and off the packet path, so one StringBuilder is kept and reused under a lock rather than pooled.
/// </summary>
internal sealed class PrometheusExporter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly Director _director;
    private readonly StringBuilder _text = new(16 * 1024);
    private readonly Lock _gate = new();

    public PrometheusExporter(Director director) => _director = director;

    /// <summary>The VRRP instance for the lvsd_vrrp_* families; returns null without VRRP.</summary>
    internal Func<LvsDirector.HighAvailability.VrrpInstance?> Vrrp { get; init; } = () => null;

    /// <summary>One complete exposition of the current state.</summary>
    public string Scrape()
    {
        lock (_gate)
        {
            _text.Clear();
            Write(_text, _director);
            VrrpMetrics.Write(_text, Vrrp());
            return _text.ToString();
        }
    }

    internal static void Write(StringBuilder text, Director director)
    {
        // A snapshot taken once, so every family lists the same services even if lvsadm edits them meanwhile.
        var services = director.Services.Current.Services;

        Family(text, "lvsd_service_connections_total", "counter", "Connections scheduled by the virtual service.");
        foreach (var s in services)
        {
            Sample(text, "lvsd_service_connections_total", s, null, null, s.Stats.Connections);
        }

        Family(text, "lvsd_service_packets_total", "counter", "Packets through the virtual service, in from clients and out from real servers.");
        foreach (var s in services)
        {
            Sample(text, "lvsd_service_packets_total", s, null, "in", s.Stats.InPackets);
            Sample(text, "lvsd_service_packets_total", s, null, "out", s.Stats.OutPackets);
        }

        Family(text, "lvsd_service_bytes_total", "counter", "Bytes through the virtual service, in from clients and out from real servers.");
        foreach (var s in services)
        {
            Sample(text, "lvsd_service_bytes_total", s, null, "in", s.Stats.InBytes);
            Sample(text, "lvsd_service_bytes_total", s, null, "out", s.Stats.OutBytes);
        }

        RateFamilies(text, "lvsd_service", services, null);

        Family(text, "lvsd_real_server_active_connections", "gauge", "Connections in an active state (TCP established) to the real server.");
        EachServer(text, services, "lvsd_real_server_active_connections", static r => r.ActiveConnections);
        Family(text, "lvsd_real_server_inactive_connections", "gauge", "Connections in other states to the real server.");
        EachServer(text, services, "lvsd_real_server_inactive_connections", static r => r.InactiveConnections);
        Family(text, "lvsd_real_server_persistent_connections", "gauge", "Persistence templates pointing at the real server.");
        EachServer(text, services, "lvsd_real_server_persistent_connections", static r => r.PersistentConnections);
        Family(text, "lvsd_real_server_weight", "gauge", "Scheduling weight of the real server; 0 is quiescent.");
        EachServer(text, services, "lvsd_real_server_weight", static r => r.Weight);
        Family(text, "lvsd_real_server_up", "gauge", "1 when the real server takes new connections (not down by its health check, weight > 0), else 0.");
        EachServer(text, services, "lvsd_real_server_up", static r => ServerHealth.IsUp(r) ? 1 : 0);
        Family(text, "lvsd_real_server_health_checks_total", "counter", "Health checks of the real server, by result (pass or fail; a timeout is a fail).");
        foreach (var s in services)
        {
            foreach (var r in s.Servers)
            {
                Sample(text, "lvsd_real_server_health_checks_total", s, r, "pass", r.HealthChecksPassed, "result");
                Sample(text, "lvsd_real_server_health_checks_total", s, r, "fail", r.HealthChecksFailed, "result");
            }
        }

        Family(text, "lvsd_real_server_overloaded", "gauge", "1 when the real server is over its upper connection threshold.");
        EachServer(text, services, "lvsd_real_server_overloaded", static r => r.IsOverloaded ? 1 : 0);
        Family(text, "lvsd_real_server_connections_total", "counter", "Connections scheduled to the real server.");
        EachServer(text, services, "lvsd_real_server_connections_total", static r => r.Stats.Connections);

        Family(text, "lvsd_real_server_packets_total", "counter", "Packets to (in) and from (out) the real server.");
        foreach (var s in services)
        {
            foreach (var r in s.Servers)
            {
                Sample(text, "lvsd_real_server_packets_total", s, r, "in", r.Stats.InPackets);
                Sample(text, "lvsd_real_server_packets_total", s, r, "out", r.Stats.OutPackets);
            }
        }

        Family(text, "lvsd_real_server_bytes_total", "counter", "Bytes to (in) and from (out) the real server.");
        foreach (var s in services)
        {
            foreach (var r in s.Servers)
            {
                Sample(text, "lvsd_real_server_bytes_total", s, r, "in", r.Stats.InBytes);
                Sample(text, "lvsd_real_server_bytes_total", s, r, "out", r.Stats.OutBytes);
            }
        }

        RateFamilies(text, "lvsd_real_server", services, static s => s.Servers);

        WriteCounters(text, director.CounterTotals());
        WorkerMetrics.Write(text, director);
    }

    internal static void WriteCounters(StringBuilder text, IReadOnlyList<KeyValuePair<string, long>> counters)
    {
        Family(text, "lvsd_datapath_frames_total", "counter", "Frames received from the capture sockets and frames forwarded.");
        foreach (var (name, value) in counters)
        {
            if (name is "received" or "forwarded")
            {
                Labelled(text, "lvsd_datapath_frames_total", "result", name, value);
            }
        }

        Family(text, "lvsd_drops_total", "counter", "Frames dropped by the data path, by reason.");
        foreach (var (name, value) in counters)
        {
            if (name.StartsWith("drop_", StringComparison.Ordinal))
            {
                Labelled(text, "lvsd_drops_total", "reason", name["drop_".Length..], value);
            }
        }

        Family(text, "lvsd_datapath_events_total", "counter", "Other data path events (ARP, ICMP, fragments, persistence templates), by event.");
        foreach (var (name, value) in counters)
        {
            if (name is not ("received" or "forwarded") && !name.StartsWith("drop_", StringComparison.Ordinal))
            {
                Labelled(text, "lvsd_datapath_events_total", "event", name, value);
            }
        }
    }

    /// <summary>Escapes a label value as the text format requires: backslash, double quote and line feed.</summary>
    internal static void AppendLabelValue(StringBuilder text, string value)
    {
        foreach (var c in value)
        {
            _ = c switch
            {
                '\\' => text.Append(@"\\"),
                '"' => text.Append("\\\""),
                '\n' => text.Append(@"\n"),
                _ => text.Append(c),
            };
        }
    }

    private static void RateFamilies(StringBuilder text, string prefix, IReadOnlyList<VirtualService> services, Func<VirtualService, IReadOnlyList<RealServer>>? servers)
    {
        var what = servers is null ? "virtual service" : "real server";
        Family(text, prefix + "_rate_cps", "gauge", $"Connections per second of the {what}, estimated over 2 s as ipvsadm --rate shows it.");
        EachRate(text, prefix + "_rate_cps", services, servers, null, static r => r.ConnectionsPerSecond);
        Family(text, prefix + "_rate_pps", "gauge", $"Packets per second of the {what}, by direction.");
        EachRate(text, prefix + "_rate_pps", services, servers, "in", static r => r.InPacketsPerSecond);
        EachRate(text, prefix + "_rate_pps", services, servers, "out", static r => r.OutPacketsPerSecond);
        Family(text, prefix + "_rate_bps", "gauge", $"Bytes per second of the {what}, by direction.");
        EachRate(text, prefix + "_rate_bps", services, servers, "in", static r => r.InBytesPerSecond);
        EachRate(text, prefix + "_rate_bps", services, servers, "out", static r => r.OutBytesPerSecond);
    }

    private static void EachRate(StringBuilder text, string name, IReadOnlyList<VirtualService> services,
        Func<VirtualService, IReadOnlyList<RealServer>>? servers, string? direction, Func<TrafficRates, ulong> value)
    {
        foreach (var s in services)
        {
            if (servers is null)
            {
                Sample(text, name, s, null, direction, (long)value(s.Stats.Rates.Read()));
                continue;
            }

            foreach (var r in servers(s))
            {
                Sample(text, name, s, r, direction, (long)value(r.Stats.Rates.Read()));
            }
        }
    }

    private static void EachServer(StringBuilder text, IReadOnlyList<VirtualService> services, string name, Func<RealServer, long> value)
    {
        foreach (var s in services)
        {
            foreach (var r in s.Servers)
            {
                Sample(text, name, s, r, null, value(r));
            }
        }
    }

    internal static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    internal static void Labelled(StringBuilder text, string name, string label, string value, long sample)
    {
        text.Append(name).Append('{').Append(label).Append("=\"");
        AppendLabelValue(text, value);
        text.Append("\"} ").Append(sample.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }

    private static void Sample(StringBuilder text, string name, VirtualService service, RealServer? server, string? direction, long value, string label = "direction")
    {
        text.Append(name).Append("{protocol=\"").Append(ServiceLabels.Protocol(service))
            .Append("\",vip=\"");
        AppendLabelValue(text, ServiceLabels.Vip(service));
        text.Append("\",port=\"").Append(service.Port.ToString(CultureInfo.InvariantCulture))
            .Append("\",fwmark=\"").Append(service.Fwmark.ToString(CultureInfo.InvariantCulture)).Append('"');
        if (server is not null)
        {
            text.Append(",server=\"");
            AppendLabelValue(text, server.IPAddress.ToString());
            text.Append("\",server_port=\"").Append(server.Port.ToString(CultureInfo.InvariantCulture)).Append('"');
        }

        if (direction is not null)
        {
            text.Append(',').Append(label).Append("=\"").Append(direction).Append('"');
        }

        text.Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
