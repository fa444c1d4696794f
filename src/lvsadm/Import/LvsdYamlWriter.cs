using System.Globalization;
using System.Text;

namespace LvsDirector.Admin.Import;

/// <summary>
/// Writes lvsd's YAML with the key names ConfigurationLoader reads. Every value written is a checked address,
/// number or name, except the texts of health checks (paths, hosts, commands), which are double-quoted; a
/// hand-written emitter keeps YamlDotNet out of lvsadm's start-up.
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

        // A check every real server shares is written once, for the service; otherwise each server has its own.
        var shared = service.RealServers.Count > 0 && service.RealServers.All(s => s.HealthCheck is not null && s.HealthCheck == service.RealServers[0].HealthCheck)
            ? service.RealServers[0].HealthCheck
            : null;
        if (shared is not null)
        {
            text.Append("    health_check:\n");
            foreach (var (key, value) in CheckFields(shared))
            {
                text.Append(CultureInfo.InvariantCulture, $"      {key}: {value}\n");
            }
        }

        if (service.SorryServer is { } sorry)
        {
            text.Append("    sorry_server:\n");
            text.Append(CultureInfo.InvariantCulture, $"      address: {Address(sorry.Address)}\n");
            if (sorry.Port != 0)
            {
                text.Append(CultureInfo.InvariantCulture, $"      port: {sorry.Port}\n");
            }

            text.Append(CultureInfo.InvariantCulture, $"      method: {sorry.Method}\n");
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

            if (shared is null && server.HealthCheck is { } check)
            {
                text.Append(", health_check: { ").AppendJoin(", ", CheckFields(check).Select(f => $"{f.Key}: {f.Value}")).Append(" }");
            }

            text.Append(" }\n");
        }
    }

    /// <summary>The keys of a health_check block in the order docs/configuration.md lists them; unset ones are left out.</summary>
    private static List<(string Key, string Value)> CheckFields(ImportedHealthCheck check)
    {
        var fields = new List<(string Key, string Value)> { ("type", check.Type) };
        if (check.Type == "none")
        {
            return fields;
        }

        Add("interval", check.Interval is { } interval ? Duration(interval) : null);
        Add("retry_interval", check.RetryInterval is { } retry ? Duration(retry) : null);
        Add("timeout", check.Timeout is { } timeout ? Duration(timeout) : null);
        Add("fall", check.Fall?.ToString(CultureInfo.InvariantCulture));
        Add("rise", check.Rise?.ToString(CultureInfo.InvariantCulture));
        Add("initial", check.InitialDown ? "down" : null);
        Add("port", check.Port != 0 ? check.Port.ToString(CultureInfo.InvariantCulture) : null);
        Add("path", check.Path is null ? null : Quote(check.Path));
        Add("host", check.Host is null ? null : Quote(check.Host));
        Add("status", check.Status is null ? null : $"[{check.Status}]");
        Add("expect", check.Expect is null ? null : Quote(check.Expect));
        Add("digest", check.Digest);
        Add("command", check.Command is null ? null : Quote(check.Command));
        return fields;

        void Add(string key, string? value)
        {
            if (value is not null)
            {
                fields.Add((key, value));
            }
        }
    }

    /// <summary>The configuration's duration syntax: whole seconds as "6s", anything finer in milliseconds.</summary>
    internal static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Ceiling(span.TotalMilliseconds)}ms");

    /// <summary>A YAML double-quoted scalar: safe for any text, in block and flow context alike.</summary>
    internal static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"' or '\\':
                    quoted.Append('\\').Append(c);
                    break;
                case '\n':
                    quoted.Append("\\n");
                    break;
                case '\t':
                    quoted.Append("\\t");
                    break;
                case < ' ' or '\u007f':
                    quoted.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    break;
                default:
                    quoted.Append(c);
                    break;
            }
        }

        return quoted.Append('"').ToString();
    }

    /// <summary>A file name goes into a comment; a newline in it must not end the comment.</summary>
    private static string Sanitize(string text) => text.Replace('\n', ' ').Replace('\r', ' ');
}
