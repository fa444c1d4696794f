using System.Globalization;
using System.Text;

namespace LvsDirector.Admin.Import;

/// <summary>
/// Writes lvsd's YAML with the key names ConfigurationLoader reads. Every value written is a checked address,
/// number or name, so nothing needs quoting; a hand-written emitter keeps YamlDotNet out of lvsadm's start-up.
/// </summary>
internal static class LvsdYamlWriter
{
    /// <summary>The interface name written until the operator sets the real one.</summary>
    public const string PlaceholderInterface = "eth0";

    /// <summary>Stands for the destination of a firewall-mark rule that must be translated by hand.</summary>
    public const string PlaceholderDestination = "VIP/32";

    public static string Write(ImportedConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = new StringBuilder();
        var source = Sanitize(configuration.SourceFile);
        text.Append(CultureInfo.InvariantCulture, $"# lvsd configuration translated by `lvsadm import {configuration.Format}` from {source}.\n");
        if (configuration.Warnings.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"# {configuration.Warnings.Count} item(s) need attention (directives not carried over, placeholders); lvsadm listed each on stderr.\n");
        }

        text.Append("# Check it with `lvsd --check-config FILE`. Reference: docs/configuration.md\n\n");
        text.Append(CultureInfo.InvariantCulture, $"# TODO: set the capture interfaces; they cannot be derived from {source}.\n");
        text.Append("interfaces:\n");
        text.Append(CultureInfo.InvariantCulture, $"  - {PlaceholderInterface}\n");

        var marks = configuration.Services.Where(s => s.Fwmark != 0).ToList();
        if (marks.Count > 0)
        {
            text.Append('\n');
            text.Append("# TODO: lvsd computes firewall marks itself. Translate each iptables/nft rule that sets a mark into an entry\n");
            text.Append("# here (see docs/configuration.md, firewall_marks); lvsd rejects a fwmark service no rule feeds.\n");
            text.Append("firewall_marks:\n");
            foreach (var service in marks)
            {
                text.Append(CultureInfo.InvariantCulture, $"  # mark {service.Fwmark} ({Sanitize(service.SourceFile)}:{service.SourceLine}):\n");
                text.Append(CultureInfo.InvariantCulture, $"  # - {{ mark: {service.Fwmark}, protocol: any, destination: {PlaceholderDestination} }}\n");
            }
        }

        text.Append('\n');
        if (configuration.Services.Count == 0)
        {
            text.Append("services: []\n");
            return text.ToString();
        }

        text.Append("services:\n");
        var first = true;
        foreach (var service in configuration.Services)
        {
            if (!first)
            {
                text.Append('\n');
            }

            first = false;
            WriteService(text, service);
        }

        return text.ToString();
    }

    // IPv6 text is quoted: colons inside a flow mapping are easy for a YAML parser to misread.
    private static string Address(string address) => address.Contains(':', StringComparison.Ordinal) ? $"'{address}'" : address;

    private static void WriteService(StringBuilder text, ImportedService service)
    {
        text.Append(CultureInfo.InvariantCulture, $"  # {Sanitize(service.SourceFile)}:{service.SourceLine}\n");
        if (service.Fwmark != 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - fwmark: {service.Fwmark}\n");
            if (service.Ipv6Fwmark)
            {
                text.Append("    family: ipv6\n");
            }
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"  - protocol: {service.Protocol}\n");
            text.Append(CultureInfo.InvariantCulture, $"    address: {Address(service.Address!)}\n");
            text.Append(CultureInfo.InvariantCulture, $"    port: {service.Port}\n");
        }

        if (service.Scheduler is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"    scheduler: {service.Scheduler}\n");
        }

        if (service.SchedulerFlags.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"    scheduler_flags: [{string.Join(", ", service.SchedulerFlags)}]\n");
        }

        if (service.PersistenceTimeout is { } timeout)
        {
            text.Append("    persistence:\n");
            text.Append(CultureInfo.InvariantCulture, $"      timeout: {timeout}\n");
            if (service.PersistenceNetmask is not null)
            {
                text.Append(service.IsIpv6 ? "      prefix_length: " : "      netmask: ").Append(service.PersistenceNetmask).Append('\n');
            }
        }

        if (service.OnePacket)
        {
            text.Append("    one_packet: true\n");
        }

        if (service.RealServers.Count == 0)
        {
            text.Append("    real_servers: []\n");
            return;
        }

        text.Append("    real_servers:\n");
        foreach (var server in service.RealServers)
        {
            text.Append(CultureInfo.InvariantCulture, $"      - {{ address: {Address(server.Address)}");
            if (server.Port != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", port: {server.Port}");
            }

            text.Append(CultureInfo.InvariantCulture, $", weight: {server.Weight}, method: {server.Method}");
            if (server.GuePort != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", tun_type: gue, tun_port: {server.GuePort}");
            }

            if (server.UpperThreshold != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", upper_threshold: {server.UpperThreshold}");
            }

            if (server.LowerThreshold != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $", lower_threshold: {server.LowerThreshold}");
            }

            text.Append(" }\n");
        }
    }

    /// <summary>A file name goes into a comment; a newline in it must not end the comment.</summary>
    private static string Sanitize(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
}
