using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>
/// Renders listings exactly as ipvsadm 1.31 prints them (list_all, list_service, print_title,
/// print_service_entry, print_largenum, -S rules), including its column widths and truncation.
/// </summary>
internal sealed class IpvsadmFormatter
{
    private const string DefaultIpv4Mask = "255.255.255.255";
    private readonly INameService _names;

    public IpvsadmFormatter(INameService names)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names;
    }

    /// <summary>list_all: the version header (not for -S), the column titles and every service.</summary>
    public string FormatAll(ControlListing listing, DisplayOptions format)
    {
        ArgumentNullException.ThrowIfNull(listing);
        var output = new StringBuilder();
        if (!format.HasFlag(DisplayOptions.Rule))
        {
            output.Append(CultureInfo.InvariantCulture, $"IP Virtual Server version {listing.Version} (size={listing.ConnectionTableSize})\n");
        }

        AppendTitle(output, format);
        foreach (var service in Sorted(listing.Services, format))
        {
            AppendService(output, service, format);
        }

        return output.ToString();
    }

    /// <summary>list_service: column titles and the one service, without the version header.</summary>
    public string FormatOne(ServiceEntry service, DisplayOptions format)
    {
        ArgumentNullException.ThrowIfNull(service);
        var output = new StringBuilder();
        AppendTitle(output, format);
        AppendService(output, service, format);
        return output.ToString();
    }

    /// <summary>
    /// list_conn/print_conn: "IPVS connection entries", the column titles, then one row per entry in the daemon's
    /// order: "%-3s %-6s %-11s %-18s %-18s %s" (protocol, MM:SS, state, client, virtual, destination), and with
    /// --persistent-conn two more columns for entries that carry persistence-engine data.
    /// </summary>
    public string FormatConnections(IReadOnlyList<ControlConnectionEntry> connections, DisplayOptions format)
    {
        ArgumentNullException.ThrowIfNull(connections);
        var persistent = format.HasFlag(DisplayOptions.PersistentConn);
        var output = new StringBuilder("IPVS connection entries\n");
        output.Append("pro expire ").Append(Left("state", 11)).Append(' ')
            .Append(Left("source", 18)).Append(' ')
            .Append(Left("virtual", 18)).Append(' ');
        if (persistent)
        {
            output.Append(Left("destination", 18)).Append(' ').Append(Left("pe name", 16)).Append(" pe_data\n");
        }
        else
        {
            output.Append("destination\n");
        }

        foreach (var connection in connections)
        {
            AppendConnection(output, connection, format);
        }

        return output.ToString();
    }

    /// <summary>list_timeout.</summary>
    public static string FormatTimeouts(ControlTimeouts timeouts)
    {
        ArgumentNullException.ThrowIfNull(timeouts);
        return string.Create(CultureInfo.InvariantCulture, $"Timeout (tcp tcpfin udp): {timeouts.Tcp} {timeouts.TcpFin} {timeouts.Udp}\n");
    }

    /// <summary>print_largenum: 9 columns, K/M/G/T above 10^8 unless --exact.</summary>
    public static string FormatLargeNumber(ulong value, bool exact)
    {
        var digits = value.ToString(CultureInfo.InvariantCulture);
        if (exact)
        {
            return digits.PadLeft(digits.Length <= 8 ? 9 : digits.Length + 1);
        }

        return value switch
        {
            < 100_000_000UL => digits.PadLeft(9),
            < 1_000_000_000UL => Scaled(value / 1_000UL, 'K'),
            < 100_000_000_000UL => Scaled(value / 1_000_000UL, 'M'),
            < 100_000_000_000_000UL => Scaled(value / 1_000_000_000UL, 'G'),
            _ => Scaled(value / 1_000_000_000_000UL, 'T'),
        };

        static string Scaled(ulong scaled, char unit) =>
            scaled.ToString(CultureInfo.InvariantCulture).PadLeft(8) + unit;
    }

    private static void AppendTitle(StringBuilder output, DisplayOptions format)
    {
        if (format.HasFlag(DisplayOptions.Stats))
        {
            AppendWideTitle(output, "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
        }
        else if (format.HasFlag(DisplayOptions.Rate))
        {
            AppendWideTitle(output, "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
        }
        else if (format.HasFlag(DisplayOptions.Thresholds))
        {
            output.Append(Left("Prot LocalAddress:Port", 33)).Append(' ')
                .Append(Left("Uthreshold", 10)).Append(' ')
                .Append(Left("Lthreshold", 10)).Append(' ')
                .Append(Left("ActiveConn", 10)).Append(' ')
                .Append(Left("InActConn", 10)).Append('\n')
                .Append("  -> RemoteAddress:Port\n");
        }
        else if (format.HasFlag(DisplayOptions.PersistentConn))
        {
            output.Append(Left("Prot LocalAddress:Port", 33)).Append(' ')
                .Append(Left("Weight", 9)).Append(' ')
                .Append(Left("PersistConn", 11)).Append(' ')
                .Append(Left("ActiveConn", 10)).Append(' ')
                .Append(Left("InActConn", 10)).Append('\n')
                .Append("  -> RemoteAddress:Port\n");
        }
        else if (format.HasFlag(DisplayOptions.TunInfo))
        {
            output.Append("Prot LocalAddress:Port Scheduler Flags\n")
                .Append("  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n");
        }
        else if (!format.HasFlag(DisplayOptions.Rule))
        {
            output.Append("Prot LocalAddress:Port Scheduler Flags\n")
                .Append("  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n");
        }
    }

    private static void AppendWideTitle(StringBuilder output, string c1, string c2, string c3, string c4, string c5) =>
        output.Append(Left("Prot LocalAddress:Port", 33))
            .Append(' ').Append(c1.PadLeft(8))
            .Append(' ').Append(c2.PadLeft(8))
            .Append(' ').Append(c3.PadLeft(8))
            .Append(' ').Append(c4.PadLeft(8))
            .Append(' ').Append(c5.PadLeft(8))
            .Append('\n')
            .Append("  -> RemoteAddress:Port\n");

    private void AppendService(StringBuilder output, ServiceEntry service, DisplayOptions format)
    {
        var key = service.Key;
        var isIpv6 = IsIpv6Service(key);
        var rule = format.HasFlag(DisplayOptions.Rule);
        var exact = format.HasFlag(DisplayOptions.Exact);
        string serviceName;
        if (key.Fwmark is { } mark)
        {
            serviceName = rule
                ? (isIpv6 ? $"-f {mark} -6" : $"-f {mark}")
                : (isIpv6 ? $"FWM  {mark} IPv6" : $"FWM  {mark}");
        }
        else
        {
            var virtualName = AddressAndPort(key.Address ?? string.Empty, key.Port, key.Protocol, format);
            if (rule)
            {
                serviceName = $"{RuleSwitch(key.Protocol)} {virtualName}";
            }
            else
            {
                serviceName = $"{Left(ProtocolName(key.Protocol), 4)} {virtualName}";
                if (!isIpv6)
                {
                    serviceName = Truncate(serviceName, 33);
                }
            }
        }

        var stats = service.Stats ?? TrafficStats.Zero;
        var flags = service.Flags;
        if (rule)
        {
            output.Append("-A ").Append(serviceName).Append(" -s ").Append(service.Scheduler);
            if (flags.HasFlag(ServiceAttributes.Persistent))
            {
                output.Append(CultureInfo.InvariantCulture, $" -p {service.PersistenceTimeout}");
                AppendMask(output, service, isIpv6, " -M ");
            }

            if (!string.IsNullOrEmpty(service.PersistenceEngine))
            {
                output.Append(" --pe ").Append(service.PersistenceEngine);
            }

            if (flags.HasFlag(ServiceAttributes.OnePacket))
            {
                output.Append(" -o");
            }

            if (HasSchedulerFlags(flags))
            {
                output.Append(" -b ").Append(SchedulerFlagNames(service.Scheduler, flags));
            }
        }
        else if (format.HasFlag(DisplayOptions.Stats))
        {
            output.Append(Left(serviceName, 33))
                .Append(FormatLargeNumber(stats.Connections, exact))
                .Append(FormatLargeNumber(stats.InPackets, exact))
                .Append(FormatLargeNumber(stats.OutPackets, exact))
                .Append(FormatLargeNumber(stats.InBytes, exact))
                .Append(FormatLargeNumber(stats.OutBytes, exact));
        }
        else if (format.HasFlag(DisplayOptions.Rate))
        {
            output.Append(Left(serviceName, 33))
                .Append(FormatLargeNumber(stats.ConnectionsPerSecond, exact))
                .Append(FormatLargeNumber(stats.InPacketsPerSecond, exact))
                .Append(FormatLargeNumber(stats.OutPacketsPerSecond, exact))
                .Append(FormatLargeNumber(stats.InBytesPerSecond, exact))
                .Append(FormatLargeNumber(stats.OutBytesPerSecond, exact));
        }
        else
        {
            output.Append(serviceName).Append(' ').Append(service.Scheduler);
            if (HasSchedulerFlags(flags))
            {
                output.Append(" (").Append(SchedulerFlagNames(service.Scheduler, flags)).Append(')');
            }

            if (flags.HasFlag(ServiceAttributes.Persistent))
            {
                output.Append(CultureInfo.InvariantCulture, $" persistent {service.PersistenceTimeout}");
                AppendMask(output, service, isIpv6, " mask ");
                if (!string.IsNullOrEmpty(service.PersistenceEngine))
                {
                    output.Append(" pe ").Append(service.PersistenceEngine);
                }
            }

            if (flags.HasFlag(ServiceAttributes.OnePacket))
            {
                output.Append(" ops");
            }
        }

        output.Append('\n');

        foreach (var server in Sorted(service.Servers, format))
        {
            AppendServer(output, serviceName, service, server, format);
        }
    }

    private void AppendServer(StringBuilder output, string serviceName, ServiceEntry service, ServerEntry server, DisplayOptions format)
    {
        var rule = format.HasFlag(DisplayOptions.Rule);
        var exact = format.HasFlag(DisplayOptions.Exact);
        var name = AddressAndPort(server.Address, server.Port, service.Key.Protocol, format);
        if (!rule && !IsIpv6Service(service.Key))
        {
            name = Truncate(name, 28);
        }

        var stats = server.Stats ?? TrafficStats.Zero;
        var inv = CultureInfo.InvariantCulture;
        if (rule)
        {
            // A sorry server comes and goes with health; a saved rule would make it a permanent real server.
            if (server.SorryServer)
            {
                return;
            }

            // A server held down by its health check lists weight 0 but saves the weight its operator gave it.
            output.Append(inv, $"-a {serviceName} -r {name} {ForwardSwitch(server.Method)} -w {server.ConfiguredWeight ?? server.Weight}");
            AppendTunnelRule(output, server);
            output.Append('\n');
        }
        else if (format.HasFlag(DisplayOptions.Stats))
        {
            output.Append("  -> ").Append(Left(name, 28))
                .Append(FormatLargeNumber(stats.Connections, exact))
                .Append(FormatLargeNumber(stats.InPackets, exact))
                .Append(FormatLargeNumber(stats.OutPackets, exact))
                .Append(FormatLargeNumber(stats.InBytes, exact))
                .Append(FormatLargeNumber(stats.OutBytes, exact))
                .Append('\n');
        }
        else if (format.HasFlag(DisplayOptions.Rate))
        {
            output.Append("  -> ").Append(Left(name, 28))
                .Append(' ').Append(Number(stats.ConnectionsPerSecond).PadLeft(8))
                .Append(' ').Append(Number(stats.InPacketsPerSecond).PadLeft(8))
                .Append(' ').Append(Number(stats.OutPacketsPerSecond).PadLeft(8))
                .Append(FormatLargeNumber(stats.InBytesPerSecond, exact))
                .Append(FormatLargeNumber(stats.OutBytesPerSecond, exact))
                .Append('\n');
        }
        else if (format.HasFlag(DisplayOptions.Thresholds))
        {
            output.Append("  -> ").Append(Left(name, 28))
                .Append(' ').Append(Left(Number(server.UpperThreshold), 10))
                .Append(' ').Append(Left(Number(server.LowerThreshold), 10))
                .Append(' ').Append(Left(Number(server.ActiveConnections), 10))
                .Append(' ').Append(Left(Number(server.InactiveConnections), 10))
                .Append('\n');
        }
        else if (format.HasFlag(DisplayOptions.PersistentConn))
        {
            output.Append("  -> ").Append(Left(name, 28))
                .Append(' ').Append(Left(Number((ulong)(uint)server.Weight), 9))
                .Append(' ').Append(Left(Number(server.PersistentConnections), 11))
                .Append(' ').Append(Left(Number(server.ActiveConnections), 10))
                .Append(' ').Append(Left(Number(server.InactiveConnections), 10))
                .Append('\n');
        }
        else if (format.HasFlag(DisplayOptions.TunInfo))
        {
            output.Append("  -> ").Append(Left(name, 28))
                .Append(' ').Append(Left(ForwardName(server.Method), 7))
                .Append(' ').Append(Left(TunnelInfo(server), 13))
                .Append(' ').Append(Left(server.Weight.ToString(inv), 6))
                .Append(' ').Append(Left(Number(server.ActiveConnections), 10))
                .Append(' ').Append(Left(Number(server.InactiveConnections), 10))
                .Append('\n');
        }
        else
        {
            output.Append("  -> ").Append(Left(name, 28))
                .Append(' ').Append(Left(ForwardName(server.Method), 7))
                .Append(' ').Append(Left(server.Weight.ToString(inv), 6))
                .Append(' ').Append(Left(Number(server.ActiveConnections), 10))
                .Append(' ').Append(Left(Number(server.InactiveConnections), 10))
                .Append('\n');
        }
    }

    /// <summary>
    /// print_tunnel_rule: a tunnelled server's -S line names its type (even ipip), gue adds --tun-port, and gue and gre
    /// add their checksum option.
    /// </summary>
    private static void AppendTunnelRule(StringBuilder output, ServerEntry server)
    {
        if (server.Method != ControlForwardingMethod.Tunnel)
        {
            return;
        }

        switch (server.TunnelType ?? ControlTunnelType.Ipip)
        {
            case ControlTunnelType.Gue:
                output.Append(CultureInfo.InvariantCulture, $" --tun-type gue --tun-port {server.TunnelPort} {ChecksumSwitch(server.TunnelChecksum)}");
                break;
            case ControlTunnelType.Gre:
                output.Append(" --tun-type gre ").Append(ChecksumSwitch(server.TunnelChecksum));
                break;
            default:
                output.Append(" --tun-type ipip");
                break;
        }
    }

    /// <summary>fwd_tun_info: "ipip", "gue:PORT:-c", "gre:+c" for tunnelled servers, "n/a" for the others.</summary>
    internal static string TunnelInfo(ServerEntry server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.Method != ControlForwardingMethod.Tunnel)
        {
            return "n/a";
        }

        return (server.TunnelType ?? ControlTunnelType.Ipip) switch
        {
            ControlTunnelType.Gue => string.Create(CultureInfo.InvariantCulture, $"gue:{server.TunnelPort}:{ChecksumFlag(server.TunnelChecksum)}"),
            ControlTunnelType.Gre => "gre:" + ChecksumFlag(server.TunnelChecksum),
            _ => "ipip",
        };
    }

    private static string ChecksumFlag(ControlTunnelChecksum checksum) => checksum switch
    {
        ControlTunnelChecksum.Checksum => "+c",
        ControlTunnelChecksum.RemoteChecksum => "r+c",
        _ => "-c",
    };

    private static string ChecksumSwitch(ControlTunnelChecksum checksum) => checksum switch
    {
        ControlTunnelChecksum.Checksum => "--tun-csum",
        ControlTunnelChecksum.RemoteChecksum => "--tun-remcsum",
        _ => "--tun-nocsum",
    };

    private void AppendConnection(StringBuilder output, ControlConnectionEntry connection, DisplayOptions format)
    {
        // IPVS keeps a firewall-mark template under protocol IPPROTO_IP ("IP") with the mark where the virtual
        // address goes; print_conn then reads that hex number back as an address, e.g. mark 10 -> 0.0.0.10.
        var markTemplate = connection.IsTemplate && connection.Fwmark is not null;
        var protocolName = markTemplate ? "IP" : ProtocolName(connection.Protocol);
        ControlProtocol? names = markTemplate ? null : connection.Protocol;
        var client = ConnectionAddress(connection.ClientAddress, connection.ClientPort, names, format);
        var virtualName = markTemplate
            ? ConnectionAddress(MarkAsAddress(connection.Fwmark!.Value, connection.ClientAddress), 0, null, format)
            : ConnectionAddress(connection.VirtualAddress ?? string.Empty, connection.VirtualPort, names, format);
        var destination = ConnectionAddress(connection.DestinationAddress, connection.DestinationPort, names, format);
        var expires = connection.ExpiresInSeconds;
        var expire = string.Create(CultureInfo.InvariantCulture, $"{expires / 60:00}:{expires % 60:00}");

        output.Append(Left(protocolName, 3)).Append(' ')
            .Append(Left(expire, 6)).Append(' ')
            .Append(Left(connection.State, 11)).Append(' ')
            .Append(Left(client, 18)).Append(' ')
            .Append(Left(virtualName, 18)).Append(' ');
        if (format.HasFlag(DisplayOptions.PersistentConn)
            && !string.IsNullOrEmpty(connection.PersistenceEngine)
            && !string.IsNullOrEmpty(connection.PersistenceData))
        {
            output.Append(Left(destination, 16)).Append(' ')
                .Append(Left(connection.PersistenceEngine, 18)).Append(' ')
                .Append(connection.PersistenceData).Append('\n');
        }
        else
        {
            output.Append(destination).Append('\n');
        }
    }

    /// <summary>addrport_to_anyname for print_conn: its 60-byte buffer keeps at most 59 characters.</summary>
    private string ConnectionAddress(string addressText, ushort port, ControlProtocol? protocol, DisplayOptions format)
    {
        string text;
        if (protocol is { } known)
        {
            text = AddressAndPort(addressText, port, known, format);
        }
        else if (!format.HasFlag(DisplayOptions.Numeric) && IPAddress.TryParse(addressText, out var parsed))
        {
            // Protocol "IP" has no services(5) names, but host names still apply (IPv4 only, as HostOf explains).
            var host = HostOf(parsed);
            text = parsed.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{host}]:{Number(port)}" : $"{host}:{Number(port)}";
        }
        else
        {
            text = AddressAndPort(addressText, port, ControlProtocol.Tcp, format | DisplayOptions.Numeric);
        }

        return Truncate(text, 59);
    }

    /// <summary>The fwmark stored as the template's virtual address: htonl(mark) in the first four bytes.</summary>
    internal static string MarkAsAddress(uint mark, string clientAddress)
    {
        var ipv6 = IPAddress.TryParse(clientAddress, out var client) && client.AddressFamily == AddressFamily.InterNetworkV6;
        var bytes = new byte[ipv6 ? 16 : 4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, mark);
        return new IPAddress(bytes).ToString();
    }

    /// <summary>addrport_to_anyname: "addr:port", brackets for IPv6, names unless -n.</summary>
    private string AddressAndPort(string addressText, ushort port, ControlProtocol protocol, DisplayOptions format)
    {
        var parsed = IPAddress.TryParse(addressText, out var address) ? address : null;
        var isIpv6 = parsed?.AddressFamily == AddressFamily.InterNetworkV6;
        string host;
        string portText;
        if (format.HasFlag(DisplayOptions.Numeric) || parsed is null)
        {
            host = parsed?.ToString() ?? addressText;
            portText = Number(port);
        }
        else
        {
            host = HostOf(parsed);
            portText = _names.ServiceName(port, protocol) ?? Number(port);
        }

        return isIpv6 ? $"[{host}]:{portText}" : $"{host}:{portText}";
    }

    /// <summary>
    /// addr_to_anyname: ipvsadm 1.31 asks gethostbyaddr with the length of an IPv4 address whatever the family, which
    /// glibc refuses for AF_INET6, so IPv6 addresses always print as numbers (ports still get service names).
    /// </summary>
    private string HostOf(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? address.ToString() : _names.HostName(address) ?? address.ToString();

    private static void AppendMask(StringBuilder output, ServiceEntry service, bool isIpv6, string prefix)
    {
        var mask = service.Netmask;
        if (string.IsNullOrEmpty(mask))
        {
            return;
        }

        if (isIpv6 ? mask != "128" : mask != DefaultIpv4Mask)
        {
            output.Append(prefix).Append(mask);
        }
    }

    private static bool HasSchedulerFlags(ServiceAttributes flags) =>
        (flags & (ServiceAttributes.Scheduler1 | ServiceAttributes.Scheduler2 | ServiceAttributes.Scheduler3)) != 0;

    /// <summary>print_sched_flags: names depend on the scheduler (sh and mh name flags 1 and 2).</summary>
    internal static string SchedulerFlagNames(string scheduler, ServiceAttributes flags)
    {
        var (first, second) = scheduler switch
        {
            "sh" => ("sh-fallback", "sh-port"),
            "mh" => ("mh-fallback", "mh-port"),
            _ => ("flag-1", "flag-2"),
        };
        var names = new List<string>(3);
        if (flags.HasFlag(ServiceAttributes.Scheduler1))
        {
            names.Add(first);
        }

        if (flags.HasFlag(ServiceAttributes.Scheduler2))
        {
            names.Add(second);
        }

        if (flags.HasFlag(ServiceAttributes.Scheduler3))
        {
            names.Add("flag-3");
        }

        return string.Join(',', names);
    }

    private static IEnumerable<ServiceEntry> Sorted(IReadOnlyList<ServiceEntry> services, DisplayOptions format) =>
        format.HasFlag(DisplayOptions.NoSort) ? services : services.Order(ServiceOrder.Instance);

    private static IEnumerable<ServerEntry> Sorted(IReadOnlyList<ServerEntry> servers, DisplayOptions format) =>
        format.HasFlag(DisplayOptions.NoSort) ? servers : servers.Order(ServerOrder.Instance);

    internal static bool IsIpv6Service(ControlServiceKey key) =>
        key.Fwmark is not null
            ? key.Ipv6 == true
            : IPAddress.TryParse(key.Address, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    private static string ProtocolName(ControlProtocol protocol) => protocol switch
    {
        ControlProtocol.Tcp => "TCP",
        ControlProtocol.Udp => "UDP",
        _ => "SCTP",
    };

    private static string RuleSwitch(ControlProtocol protocol) => protocol switch
    {
        ControlProtocol.Tcp => "-t",
        ControlProtocol.Udp => "-u",
        _ => "--sctp-service",
    };

    private static string ForwardName(ControlForwardingMethod method) => method switch
    {
        ControlForwardingMethod.Masq => "Masq",
        ControlForwardingMethod.Tunnel => "Tunnel",
        ControlForwardingMethod.Local => "Local",
        _ => "Route",
    };

    private static string ForwardSwitch(ControlForwardingMethod method) => method switch
    {
        ControlForwardingMethod.Masq => "-m",
        ControlForwardingMethod.Tunnel => "-i",
        _ => "-g",
    };

    private static string Number(ulong value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Left(string text, int width) => text.PadRight(width);

    private static string Truncate(string text, int length) => text.Length > length ? text[..length] : text;
}
