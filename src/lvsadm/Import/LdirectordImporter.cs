using System.Text.RegularExpressions;

namespace LvsDirector.Admin.Import;

/// <summary>
/// Translates ldirectord.cf: each unindented virtual= line opens a service whose settings are the indented lines
/// below it. Scheduling, forwarding, persistence, checks and fallback servers are carried over, with the global
/// check settings each virtual inherits; everything else is reported.
/// </summary>
internal static partial class LdirectordImporter
{
    public const string Format = "ldirectord";

    /// <summary>ldirectord's scheduler when a virtual names none.</summary>
    public const string DefaultScheduler = "wrr";

    /// <summary>Service names ldirectord resolves through /etc/services, for the ports commonly balanced.</summary>
    private static readonly Dictionary<string, int> ServiceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ftp"] = 21, ["ssh"] = 22, ["smtp"] = 25, ["domain"] = 53, ["dns"] = 53, ["http"] = 80, ["www"] = 80, ["pop3"] = 110,
        ["nntp"] = 119, ["ntp"] = 123, ["imap"] = 143, ["imap2"] = 143, ["snmp"] = 161, ["ldap"] = 389, ["https"] = 443,
        ["submission"] = 587, ["ldaps"] = 636, ["imaps"] = 993, ["pop3s"] = 995, ["mysql"] = 3306, ["postgresql"] = 5432, ["sip"] = 5060,
        ["radius"] = 1812, ["ms-sql-s"] = 1433, ["oracle"] = 1521, ["nfs"] = 2049, ["http-alt"] = 8080,
    };

    public static ImportedConfiguration Import(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new ImportedConfiguration(file, Format);
        var lines = text.Split('\n');
        LdirectordVirtual? current = null;
        var virtuals = new List<LdirectordVirtual>();

        // Global settings apply to every virtual, wherever they stand: ldirectord resolves them after reading the file.
        var globals = new Dictionary<string, LdirectordSetting>(StringComparer.Ordinal);
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var raw = lines[index].TrimEnd('\r');
            var content = StripComment(raw);
            if (content.Trim().Length == 0)
            {
                continue;
            }

            var indented = char.IsWhiteSpace(content[0]);
            var equals = content.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                throw new ImportParseException(file, lineNumber, $"expected KEY=VALUE, found '{content.Trim()}'");
            }

            var key = content[..equals].Trim().ToLowerInvariant();
            var value = Unquote(content[(equals + 1)..].Trim());
            if (key.Length == 0)
            {
                throw new ImportParseException(file, lineNumber, "a line starts with '=' (no key)");
            }

            if (!indented)
            {
                current = null;
                if (key is "virtual" or "virtual6")
                {
                    current = new LdirectordVirtual(file, lineNumber, value);
                    virtuals.Add(current);
                    continue;
                }

                globals[key] = new LdirectordSetting(value, file, lineNumber);
                if (!LdirectordHealthChecks.GlobalKeys.Contains(key))
                {
                    result.Warn(file, lineNumber, $"{key}={value} not carried over ({GlobalReason(key)})");
                }

                continue;
            }

            if (current is null)
            {
                throw new ImportParseException(file, lineNumber, $"indented '{key}=' outside a virtual= section");
            }

            current.Lines.Add((key, value, lineNumber));
        }

        foreach (var block in virtuals)
        {
            Finish(block, globals, result);
        }

        result.WarnInterfacesPlaceholder();
        return result;
    }

    private static void Finish(LdirectordVirtual block, IReadOnlyDictionary<string, LdirectordSetting> globals, ImportedConfiguration result)
    {
        var file = block.File;
        var line = block.Line;
        var value = block.Value;
        var service = new ImportedService { Protocol = "tcp", SourceFile = file, SourceLine = line, Scheduler = DefaultScheduler };
        if (value.All(char.IsAsciiDigit) && value.Length > 0)
        {
            service.Fwmark = (uint)ImportValues.ParseInteger(value, 1, uint.MaxValue, file, line, "virtual (firewall mark)");
            service.Protocol = null;
        }
        else
        {
            // IPv6 as ldirectord writes it: [2001:db8::1]:80.
            var colon = value.LastIndexOf(':');
            if (colon < 0 || (value.StartsWith('[') && value[colon - 1] != ']'))
            {
                throw new ImportParseException(file, line, $"virtual={value}: expected IP:PORT, [IPv6]:PORT or a firewall mark number");
            }

            service.Address = ImportValues.ParseAddress(value[..colon], file, line, "virtual");
            service.Port = Port(value[(colon + 1)..], file, line, "virtual port");
        }

        string? netmask = null;
        var netmaskLine = 0;
        var protocolGiven = false;
        var settings = new LdirectordSettings(file, line, globals);
        var servers = new List<ImportedRealServer>();
        var pairs = new List<(ImportedRealServer Server, string Request, string Receive, int Line)>();
        foreach (var (key, setting, lineNumber) in block.Lines)
        {
            switch (key)
            {
                case "real":
                    var real = Real(setting, file, lineNumber, result, out var pair);
                    foreach (var server in real)
                    {
                        if (service.Fwmark == 0 && ImportValues.IsIPv6(server.Address) != service.IsIpv6)
                        {
                            result.Warn(file, lineNumber, $"real={setting}: {server.Address} not carried over (IPv4 and IPv6 do not mix in lvsd; IPVS allows it only for tunnelled servers)");
                        }
                        else if (servers.Any(s => s.Address == server.Address && s.Port == server.Port))
                        {
                            result.Warn(file, lineNumber, $"real={setting}: {server.Address} is listed twice in this virtual; the second is not carried over");
                        }
                        else
                        {
                            servers.Add(server);
                            if (pair is var (request, receive))
                            {
                                pairs.Add((server, request, receive, lineNumber));
                            }
                        }
                    }

                    break;
                case "scheduler":
                    service.Scheduler = ImportValues.ParseScheduler(setting, file, lineNumber, "scheduler");
                    break;
                case "protocol":
                    protocolGiven = true;
                    switch (setting.ToLowerInvariant())
                    {
                        case "tcp" or "udp" when service.Fwmark == 0:
                            service.Protocol = setting.ToLowerInvariant();
                            break;
                        case "fwm" when service.Fwmark != 0:
                            break;
                        case "tcp" or "udp" or "fwm":
                            throw new ImportParseException(file, lineNumber,
                                service.Fwmark != 0 ? $"protocol={setting}: virtual={value} is a firewall mark, so the protocol must be fwm" : "protocol=fwm needs virtual=MARK (a number)");
                        default:
                            throw new ImportParseException(file, lineNumber, $"protocol={setting}: expected tcp, udp or fwm");
                    }

                    break;
                case "persistent":
                    service.PersistenceTimeout = (int)ImportValues.ParseInteger(setting, 1, 2147483, file, lineNumber, "persistent");
                    break;
                case "netmask":
                    // A dotted mask for an IPv4 virtual, a prefix length for an IPv6 one (ipvsadm -M).
                    netmask = service.IsIpv6
                        ? ImportValues.ParsePrefixLength(setting, file, lineNumber, "netmask")
                        : ImportValues.ParseNetmask(setting, file, lineNumber, "netmask");
                    netmaskLine = lineNumber;
                    break;
                case var checkKey when LdirectordHealthChecks.VirtualKeys.Contains(checkKey):
                    settings.Set(key, setting, lineNumber);
                    break;
                default:
                    result.Warn(file, lineNumber, $"{key}={setting} not carried over ({VirtualReason(key)})");
                    break;
            }
        }

        // ldirectord's default protocol is udp for DNS, tcp otherwise.
        if (!protocolGiven && service.Fwmark == 0 && service.Port == 53)
        {
            service.Protocol = "udp";
        }

        if (netmask is not null)
        {
            if (service.PersistenceTimeout is null)
            {
                result.Warn(file, netmaskLine, $"netmask={netmask} not carried over (it needs persistent=, which this virtual lacks)");
            }
            else
            {
                service.PersistenceNetmask = netmask;
            }
        }

        if (service.Fwmark == 0 && service.Port == 0 && service.PersistenceTimeout is null)
        {
            result.Warn(file, line, $"virtual={value}: a port-0 service needs persistence in lvsd; not carried over");
            return;
        }

        var check = LdirectordHealthChecks.Build(service, settings, result);
        foreach (var server in servers)
        {
            server.HealthCheck = check;
        }

        foreach (var (server, request, receive, pairLine) in pairs)
        {
            server.HealthCheck = LdirectordHealthChecks.ForReal(check, request, receive, file, pairLine, result);
        }

        LdirectordHealthChecks.Quiescent(settings, result);
        service.SorryServer = LdirectordHealthChecks.Fallback(service, settings, Target, result);
        result.FitSorryServer(service, "fallback");
        foreach (var server in servers)
        {
            // Gate and ipip deliver the packet unchanged: IPVS ignores the port and lvsd wants none that differs.
            if (server.Method != "masq" && server.Port != 0)
            {
                if (server.Port != service.Port || service.Fwmark != 0)
                {
                    result.Warn(file, server.SourceLine,
                        $"real {server.Address}:{server.Port}: the port is not carried over (with {server.Method} forwarding the packet keeps its destination port)");
                }

                service.RealServers.Add(server.WithoutPort(service.Port));
                continue;
            }

            service.RealServers.Add(server);
        }

        if (service.Fwmark != 0)
        {
            result.Warn(file, line,
                $"fwmark {service.Fwmark}: the iptables/nft rule that sets this mark must be translated by hand into a firewall_marks entry (a commented placeholder is written)");
        }

        result.AddService(service, $"virtual={value}");
    }

    /// <summary>real=IP[->IP][:PORT] gate|masq|ipip [WEIGHT] ["request", "receive"]</summary>
    /// <summary>real=IP[->IP][:PORT] gate|masq|ipip [WEIGHT] ["request", "receive"]</summary>
    private static List<ImportedRealServer> Real(string setting, string file, int line, ImportedConfiguration result, out (string Request, string Receive)? pair)
    {
        pair = null;
        var words = setting.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            throw new ImportParseException(file, line, "real= needs an address");
        }

        var (target, port) = SplitTarget(words[0], setting, file, line, "real");
        var method = "route";
        var weight = 1;
        var next = 1;
        if (words.Length > next)
        {
            method = words[next].ToLowerInvariant() switch
            {
                "gate" => "route",
                "masq" => "masq",
                "ipip" => "tunnel",
                _ => throw new ImportParseException(file, line, $"real={setting}: '{words[next]}' is not gate, masq or ipip"),
            };
            next++;
        }

        if (words.Length > next && words[next].All(char.IsAsciiDigit))
        {
            weight = (int)ImportValues.ParseInteger(words[next], 0, 65535, file, line, "real weight");
            next++;
        }

        if (words.Length > next)
        {
            var rest = string.Join(' ', words[next..]);
            var match = RequestReceive().Match(rest);
            if (match.Success)
            {
                pair = (match.Groups[1].Value, match.Groups[2].Value);
                rest = match.Groups[3].Value.Trim();
            }

            if (rest.Length > 0)
            {
                result.Warn(file, line, $"real={setting}: '{rest}' not carried over (connection thresholds on real= lines are not read by the importer)");
            }
        }

        return ImportValues.ExpandRange(target, "->", file, line, "real")
            .Select(address => new ImportedRealServer { Address = address, Port = port, Weight = weight, Method = method, SourceLine = line })
            .ToList();
    }

    /// <summary>A fallback server's IP[:PORT] or [IPv6][:PORT]; no port: 0, the service's.</summary>
    private static (string Address, int Port) Target(string text, string file, int line)
    {
        var (address, port) = SplitTarget(text, text, file, line, "fallback");
        return (ImportValues.ParseAddress(address, file, line, "fallback"), port);
    }

    /// <summary>ADDRESS[:PORT], [IPv6]:PORT or a bare IPv6 address (colons but no port).</summary>
    private static (string Address, int Port) SplitTarget(string target, string setting, string file, int line, string what)
    {
        var colon = target.LastIndexOf(':');
        if (target.StartsWith('['))
        {
            var close = target.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close + 1 < target.Length && target[close + 1] != ':'))
            {
                throw new ImportParseException(file, line, $"{what}={setting}: expected [IPv6]:PORT");
            }

            colon = close + 1 < target.Length ? close + 1 : -1;
        }
        else if (target.Count(c => c == ':') > 1)
        {
            colon = -1;
        }

        return colon >= 0 ? (target[..colon], Port(target[(colon + 1)..], file, line, $"{what} port")) : (target, 0);
    }

    // ldirectord's own pattern for the pair: two quoted strings separated by a comma or a space.
    [GeneratedRegex("^\"(.*)\"[, ]\\s*\"(.*)\"(.*)$")]
    private static partial Regex RequestReceive();

    private static int Port(string text, string file, int line, string what) =>
        text.Length > 0 && text.All(char.IsAsciiDigit)
            ? (int)ImportValues.ParseInteger(text, 0, 65535, file, line, what)
            : ServiceNames.TryGetValue(text, out var port)
                ? port
                : throw new ImportParseException(file, line, $"{what}: '{text}' is neither a port number nor a service name the importer knows; write the number");

    private static string StripComment(string line)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == '#' && !quoted && (i == 0 || char.IsWhiteSpace(line[i - 1])))
            {
                return line[..i];
            }
        }

        return line;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' && value.IndexOf('"', 1) == value.Length - 1 ? value[1..^1] : value;

    private static string GlobalReason(string key) => key switch
    {
        "checkcount" => "deprecated in ldirectord (only ping checks used it); lvsd's fall, from failurecount, counts failed checks",
        "connecttimeout" => "ldirectord itself refuses it in favour of negotiatetimeout",
        "readdquiescent" => "lvsd keeps down servers in its table at weight 0 anyway",
        "fallbackcommand" => "lvsd runs no scripts when it switches to the fallback server; it logs it",
        "cleanstop" => "lvsd's table lives in lvsd and goes with it",
        "maintenancedir" => "lvsd has no maintenance directory; set a real server's weight to 0 with lvsadm -e instead",
        "autoreload" or "callback" => "lvsd reloads its own configuration on SIGHUP",
        "logfile" => "lvsd logs through its logging section",
        "emailalert" or "emailalertfreq" or "emailalertstatus" or "emailalertfrom" or "smtp" or "execute" or "fork" or "supervised" => "no lvsd equivalent",
        _ => "not recognized by the importer",
    };

    private static string VirtualReason(string key) => key switch
    {
        "login" or "passwd" or "database" or "secret" or "radiussecret" => "only negotiate checks of services lvsd does not check (ftp, imap, mysql, radius, ...) use it",
        "checkcount" => "deprecated in ldirectord (only ping checks used it); lvsd's fall, from failurecount, counts failed checks",
        "connecttimeout" => "ldirectord itself refuses it in favour of negotiatetimeout",
        "fallbackcommand" => "lvsd runs no scripts when it switches to the fallback server; it logs it",
        "cleanstop" => "lvsd's table lives in lvsd and goes with it",
        "monitorfile" => "lvsd logs check results through its own logging",
        "emailalert" or "emailalertfreq" or "emailalertstatus" => "no lvsd equivalent",
        _ => "not recognized by the importer",
    };
}
