using System.Globalization;
using System.Text;
using LvsDirector.HighAvailability;

namespace LvsDirector.Daemon.Web;

/// <summary>The lvsd_vrrp_* families: state gauge (0 init, 1 backup, 2 master) and advert counters; nothing without VRRP.</summary>
internal static class VrrpMetrics
{
    public static void Write(StringBuilder text, VrrpInstance? instance)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (instance is null)
        {
            return;
        }

        var settings = instance.Settings;
        var labels = string.Create(CultureInfo.InvariantCulture, $"interface=\"{settings.Interface}\",vrid=\"{settings.VirtualRouterId}\"");
        var counters = instance.Counters.Snapshot().ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);

        Family(text, "lvsd_vrrp_state", "gauge", "VRRP state of this director: 0 init, 1 backup, 2 master (owns and announces the VIPs).");
        Sample(text, "lvsd_vrrp_state", labels, (long)instance.State);

        Family(text, "lvsd_vrrp_priority", "gauge", "Configured VRRP priority of this director.");
        Sample(text, "lvsd_vrrp_priority", labels, settings.Priority);

        Family(text, "lvsd_vrrp_adverts_total", "counter", "VRRP advertisements sent by this director and accepted from peers.");
        Sample(text, "lvsd_vrrp_adverts_total", labels + ",direction=\"sent\"", counters["adverts_sent"]);
        Sample(text, "lvsd_vrrp_adverts_total", labels + ",direction=\"received\"", counters["adverts_received"]);

        Family(text, "lvsd_vrrp_dropped_total", "counter", "Received VRRP packets dropped, by reason.");
        foreach (var reason in new[] { "bad_length", "bad_ttl", "bad_version", "bad_checksum", "bad_authentication", "interval_mismatch" })
        {
            Sample(text, "lvsd_vrrp_dropped_total", labels + ",reason=\"" + reason + "\"", counters[reason]);
        }

        Family(text, "lvsd_vrrp_master_transitions_total", "counter", "Times this director became VRRP master.");
        Sample(text, "lvsd_vrrp_master_transitions_total", labels, counters["became_master"]);
    }

    private static void Family(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Sample(StringBuilder text, string name, string labels, long value) =>
        text.Append(name).Append('{').Append(labels).Append("} ").Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
