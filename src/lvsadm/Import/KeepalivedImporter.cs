namespace LvsDirector.Admin.Import;

/// <summary>
/// Translates the LVS part of keepalived.conf (virtual_server, virtual_server_group, real_server, their health
/// checkers and sorry servers) into lvsd services and reports every other directive as not carried over.
/// </summary>
internal static class KeepalivedImporter
{
    public const string Format = "keepalived";

    private static readonly string[] SchedulerFlagKeywords = ["sh-port", "sh-fallback", "mh-port", "mh-fallback", "flag-1", "flag-2", "flag-3"];

    public static ImportedConfiguration Import(string text, string file, string? baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new ImportedConfiguration(file, Format);
        var statements = KeepalivedParser.Parse(KeepalivedTokenizer.Tokenize(text, file, baseDirectory, result));

        var groups = new Dictionary<string, KeepalivedStatement>(StringComparer.Ordinal);
        foreach (var statement in statements.Where(s => s.Keyword == "virtual_server_group"))
        {
            if (statement.Arguments.Count != 1 || statement.Block is null)
            {
                throw new ImportParseException(statement.File, statement.Line, "virtual_server_group needs a name and a { } block");
            }

            groups[statement.Arguments[0]] = statement;
        }

        var marks = new HashSet<uint>();
        foreach (var statement in statements)
        {
            switch (statement.Keyword)
            {
                case "virtual_server":
                    VirtualServer(statement, groups, result, marks);
                    break;
                case "virtual_server_group":
                    break;
                default:
                    result.Warn(statement.File, statement.Line, $"{statement.Describe()} not carried over ({TopLevelReason(statement.Keyword)})");
                    break;
            }
        }

        foreach (var group in groups.Values.Where(g => !statements.Any(s => s.Keyword == "virtual_server" && s.Arguments is ["group", var name] && name == g.Arguments[0])))
        {
            result.Warn(group.File, group.Line, $"virtual_server_group {group.Arguments[0]} is used by no virtual_server; not carried over");
        }

        result.WarnInterfacesPlaceholder();
        return result;
    }

    private static string TopLevelReason(string keyword) => keyword switch
    {
        "global_defs" => "keepalived's global settings have no lvsd equivalent",
        "static_ipaddress" or "static_routes" or "static_rules" => "lvsd does not configure addresses or routes",
        _ when keyword.StartsWith("vrrp_", StringComparison.Ordinal) => "VRRP is not part of lvsd yet",
        "linkbeat_interfaces" or "garp_group" or "track_file" or "net_namespace" => "no lvsd equivalent",
        _ => "not recognized by the importer",
    };

    private static void VirtualServer(KeepalivedStatement statement, Dictionary<string, KeepalivedStatement> groups, ImportedConfiguration result, HashSet<uint> marks)
    {
        var file = statement.File;
        var line = statement.Line;
        if (statement.Block is null)
        {
            throw new ImportParseException(file, line, $"{statement.Text}: a virtual_server needs a {{ }} block");
        }

        // Which (address, port) or mark the service stands for, each with the line naming it.
        var targets = new List<(string? Address, int Port, uint Fwmark, string File, int Line)>();
        switch (statement.Arguments)
        {
            case ["fwmark", var mark]:
                targets.Add((null, 0, (uint)ImportValues.ParseInteger(mark, 1, uint.MaxValue, file, line, "virtual_server fwmark"), file, line));
                break;
            case ["group", var name]:
                if (!groups.TryGetValue(name, out var group))
                {
                    throw new ImportParseException(file, line, $"virtual_server group {name}: no virtual_server_group {name} is defined");
                }

                GroupTargets(group, targets, result);
                break;
            case [var address, var port]:
                targets.Add((ImportValues.ParseAddress(address, file, line, "virtual_server"),
                    (int)ImportValues.ParseInteger(port, 0, 65535, file, line, "virtual_server port"), 0, file, line));
                break;
            default:
                throw new ImportParseException(file, line, $"{statement.Text}: expected 'virtual_server IP PORT', 'virtual_server fwmark N' or 'virtual_server group NAME'");
        }

        var template = new ImportedService { Protocol = "tcp", SourceFile = file, SourceLine = line };
        var checkSettings = KeepalivedCheckSettings.None.With(statement.Block, result);
        (string Method, int GuePort)? defaultMethod = null;
        (string Method, int GuePort)? sorryMethod = null;
        KeepalivedStatement? sorry = null;
        var servers = new List<(ImportedRealServer Server, (string Method, int GuePort)? Method)>();
        var unsupportedProtocol = false;
        KeepalivedStatement? ops = null;
        KeepalivedStatement? granularity = null;

        foreach (var directive in statement.Block)
        {
            var args = directive.Arguments;
            var what = directive.Keyword;
            switch (directive.Keyword)
            {
                case "lb_algo" or "lvs_sched":
                    template.Scheduler = ImportValues.ParseScheduler(directive.SingleValue(), directive.File, directive.Line, what);
                    break;
                case "lb_kind" or "lvs_method":
                    defaultMethod = Method(directive, result);
                    break;
                case "persistence_timeout":
                    template.PersistenceTimeout = args.Count == 0
                        ? 360
                        : (int)ImportValues.ParseInteger(directive.SingleValue(), 1, 2147483, directive.File, directive.Line, what);
                    break;
                case "persistence_granularity":
                    // A dotted mask for IPv4 services, a prefix length for IPv6 ones: checked per target below.
                    template.PersistenceNetmask = directive.SingleValue();
                    granularity = directive;
                    break;
                case "ip_family":
                    switch (directive.SingleValue())
                    {
                        case "inet":
                            template.Ipv6Fwmark = false;
                            break;
                        case "inet6":
                            template.Ipv6Fwmark = true;
                            break;
                        default:
                            throw new ImportParseException(directive.File, directive.Line, $"ip_family: '{args[0]}' is not inet or inet6");
                    }

                    break;
                case "protocol":
                    switch (directive.SingleValue().ToUpperInvariant())
                    {
                        case "TCP":
                            template.Protocol = "tcp";
                            break;
                        case "UDP":
                            template.Protocol = "udp";
                            break;
                        case "SCTP":
                            unsupportedProtocol = true;
                            break;
                        default:
                            throw new ImportParseException(directive.File, directive.Line, $"protocol: '{args[0]}' is not TCP, UDP or SCTP");
                    }

                    break;
                case "ops":
                    ops = directive;
                    template.OnePacket = true;
                    break;
                case var setting when KeepalivedCheckSettings.IsSetting(setting):
                case "inhibit_on_failure":
                    // Settings were read above; a down server always keeps its place at weight 0 in lvsd,
                    // which is what inhibit_on_failure asks for.
                    break;
                case "sorry_server":
                    sorry = directive;
                    break;
                case "sorry_server_lvs_method":
                    sorryMethod = Method(directive, result);
                    break;
                case "real_server":
                    var server = RealServer(directive, checkSettings, result, out var serverMethod);
                    if (server is not null)
                    {
                        servers.Add((server, serverMethod));
                    }

                    break;
                case var flag when SchedulerFlagKeywords.Contains(flag):
                    template.SchedulerFlags.Add(flag);
                    break;
                default:
                    result.Warn(directive.File, directive.Line, $"{directive.Describe()} not carried over ({ServiceReason(directive.Keyword)})");
                    break;
            }
        }

        if (unsupportedProtocol)
        {
            result.Warn(file, line, $"{statement.Text}: protocol SCTP is not supported by lvsd; the whole virtual_server is not carried over");
            return;
        }

        if (template.PersistenceTimeout is null && template.PersistenceNetmask is not null)
        {
            result.Warn(granularity!.File, granularity.Line, "persistence_granularity not carried over (it needs persistence_timeout, which this virtual_server lacks)");
            template.PersistenceNetmask = null;
        }

        foreach (var flag in template.SchedulerFlags.ToList())
        {
            var owner = flag.StartsWith("sh-", StringComparison.Ordinal) ? "sh" : flag.StartsWith("mh-", StringComparison.Ordinal) ? "mh" : null;
            if (owner is not null && !string.Equals(owner, template.Scheduler, StringComparison.Ordinal))
            {
                var directive = statement.Block.First(d => d.Keyword == flag);
                result.Warn(directive.File, directive.Line, $"{flag} not carried over (it applies to the {owner} scheduler only)");
                template.SchedulerFlags.Remove(flag);
            }
        }

        template.SorryServer = SorryServer(sorry, sorryMethod ?? defaultMethod, result);
        if (!servers.Any(s => s.Server.HealthCheck is not null))
        {
            WarnUnusedSettings(statement.Block, "virtual_server", result);
        }

        foreach (var (server, method) in servers)
        {
            (server.Method, server.GuePort) = method ?? defaultMethod ?? ("masq", 0);
            if (!template.RealServers.Any(s => s.Address == server.Address && s.Port == server.Port))
            {
                template.RealServers.Add(server);
            }
            else
            {
                result.Warn(file, server.SourceLine, $"real_server {server.Address} {server.Port}: listed twice in this virtual_server; the second is not carried over");
            }
        }

        foreach (var (address, port, fwmark, targetFile, targetLine) in targets)
        {
            var service = template.CopyFor(address, port, fwmark, targetLine);
            if (service.PersistenceNetmask is { } granularityText)
            {
                service.PersistenceNetmask = service.IsIpv6
                    ? ImportValues.ParsePrefixLength(granularityText, granularity!.File, granularity.Line, "persistence_granularity")
                    : ImportValues.ParseNetmask(granularityText, granularity!.File, granularity.Line, "persistence_granularity");
            }

            DropOtherFamily(service, result);
            DropUnusedPorts(service, result);
            result.FitSorryServer(service, "sorry_server");
            if (service.OnePacket && fwmark == 0 && service.Protocol != "udp" && ops is not null)
            {
                result.Warn(ops.File, ops.Line, $"ops not carried over for {service.Key} (one-packet scheduling applies to UDP and fwmark services)");
                service.OnePacket = false;
            }

            if (fwmark == 0 && port == 0 && service.PersistenceTimeout is null)
            {
                result.Warn(targetFile, targetLine, $"{service.Key}: a port-0 service needs persistence in lvsd; not carried over");
                continue;
            }

            if (fwmark != 0 && marks.Add(fwmark))
            {
                result.Warn(targetFile, targetLine,
                    $"fwmark {fwmark}: the iptables/nft rule that sets this mark must be translated by hand into a firewall_marks entry (a commented placeholder is written)");
            }

            result.AddService(service, statement.Keyword);
        }
    }

    /// <summary>IPv4 and IPv6 do not mix in lvsd (IPVS allows it only for tunnelled servers): such real servers are left out.</summary>
    private static void DropOtherFamily(ImportedService service, ImportedConfiguration result)
    {
        for (var i = service.RealServers.Count - 1; i >= 0; i--)
        {
            var server = service.RealServers[i];
            if (ImportValues.IsIPv6(server.Address) != service.IsIpv6)
            {
                result.Warn(service.SourceFile, server.SourceLine,
                    $"real_server {server.Address} of {service.Key} not carried over (IPv4 and IPv6 do not mix in lvsd; IPVS allows it only for tunnelled servers)");
                service.RealServers.RemoveAt(i);
            }
        }
    }

    /// <summary>
    /// Direct routing and tunnelling deliver the packet unchanged, so IPVS ignores a real server's port there and
    /// lvsd insists it equal the service port; it is left out, and reported when it said something else.
    /// </summary>
    private static void DropUnusedPorts(ImportedService service, ImportedConfiguration result)
    {
        for (var i = 0; i < service.RealServers.Count; i++)
        {
            var server = service.RealServers[i];
            if (server.Method == "masq" || server.Port == 0)
            {
                continue;
            }

            if (server.Port != service.Port || service.Fwmark != 0)
            {
                result.Warn(service.SourceFile, server.SourceLine,
                    $"real_server {server.Address} {server.Port}: the port is not carried over (with {server.Method} forwarding the packet keeps its destination port)");
            }

            service.RealServers[i] = server.WithoutPort(service.Port);
        }
    }

    private static void GroupTargets(KeepalivedStatement group, List<(string? Address, int Port, uint Fwmark, string File, int Line)> targets, ImportedConfiguration result)
    {
        foreach (var entry in group.Block!)
        {
            var file = entry.File;
            var line = entry.Line;
            if (entry.Block is not null)
            {
                throw new ImportParseException(file, line, $"virtual_server_group {group.Arguments[0]}: unexpected block after '{entry.Text}'");
            }

            switch (entry.Keyword, entry.Arguments)
            {
                case ("fwmark", [var mark]):
                    targets.Add((null, 0, (uint)ImportValues.ParseInteger(mark, 1, uint.MaxValue, file, line, "fwmark"), file, line));
                    break;
                case (var address, [var port]):
                    var portNumber = (int)ImportValues.ParseInteger(port, 0, 65535, file, line, "virtual_server_group port");
                    foreach (var expanded in ImportValues.ExpandRange(address, "-", file, line, "virtual_server_group"))
                    {
                        targets.Add((expanded, portNumber, 0, file, line));
                    }

                    break;
                default:
                    throw new ImportParseException(file, line, $"virtual_server_group {group.Arguments[0]}: expected 'IP PORT', 'IP-RANGE PORT' or 'fwmark N', not '{entry.Text}'");
            }
        }
    }

    private static ImportedRealServer? RealServer(KeepalivedStatement directive, KeepalivedCheckSettings inherited, ImportedConfiguration result, out (string Method, int GuePort)? method)
    {
        method = null;
        var file = directive.File;
        var line = directive.Line;
        if (directive.Arguments.Count is < 1 or > 2)
        {
            throw new ImportParseException(file, line, $"{directive.Text}: expected 'real_server IP [PORT]'");
        }

        var address = ImportValues.ParseAddress(directive.Arguments[0], file, line, "real_server");
        var port = directive.Arguments.Count == 2 ? (int)ImportValues.ParseInteger(directive.Arguments[1], 0, 65535, file, line, "real_server port") : 0;
        var server = new ImportedRealServer { Address = address, Port = port, Method = "masq", SourceLine = line };
        var block = directive.Block ?? [];
        var checkers = new List<KeepalivedStatement>();
        foreach (var inner in block)
        {
            var what = $"real_server {address} {inner.Keyword}";
            switch (inner.Keyword)
            {
                case "weight":
                    server.Weight = (int)ImportValues.ParseInteger(inner.SingleValue(), 0, 65535, inner.File, inner.Line, what);
                    break;
                case "uthreshold":
                    server.UpperThreshold = (int)ImportValues.ParseInteger(inner.SingleValue(), 0, int.MaxValue, inner.File, inner.Line, what);
                    break;
                case "lthreshold":
                    server.LowerThreshold = (int)ImportValues.ParseInteger(inner.SingleValue(), 0, int.MaxValue, inner.File, inner.Line, what);
                    break;
                case "lb_kind" or "lvs_method":
                    method = Method(inner, result);
                    break;
                case var check when KeepalivedHealthChecks.CheckBlocks.Contains(check):
                    checkers.Add(inner);
                    break;
                case var setting when KeepalivedCheckSettings.IsSetting(setting):
                case "inhibit_on_failure":
                    break;
                default:
                    result.Warn(inner.File, inner.Line, $"real_server {address}: {inner.Describe()} not carried over ({ServerReason(inner.Keyword)})");
                    break;
            }
        }

        server.HealthCheck = KeepalivedHealthChecks.Translate(checkers, inherited.With(block, result), result);
        if (server.HealthCheck is null)
        {
            WarnUnusedSettings(block, $"real_server {address}", result);
        }

        if (server.UpperThreshold != 0 && server.LowerThreshold > server.UpperThreshold)
        {
            throw new ImportParseException(file, line, $"real_server {address}: lthreshold {server.LowerThreshold} exceeds uthreshold {server.UpperThreshold}");
        }

        if (server.UpperThreshold == 0 && server.LowerThreshold != 0)
        {
            var lower = directive.Block!.First(d => d.Keyword == "lthreshold");
            result.Warn(lower.File, lower.Line, $"real_server {address}: lthreshold not carried over (it has no meaning without uthreshold)");
            server.LowerThreshold = 0;
        }

        return server;
    }

    /// <summary>lb_kind/lvs_method NAT|DR|TUN, keepalived 2.x adding "TUN type ipip|gue|gre [port N] [csum options]".</summary>
    private static (string Method, int GuePort) Method(KeepalivedStatement directive, ImportedConfiguration result)
    {
        var args = directive.Arguments;
        if (args.Count == 0)
        {
            throw new ImportParseException(directive.File, directive.Line, $"{directive.Keyword}: expected NAT, DR or TUN");
        }

        var method = args[0].ToUpperInvariant() switch
        {
            "NAT" => "masq",
            "DR" => "route",
            "TUN" => "tunnel",
            _ => throw new ImportParseException(directive.File, directive.Line, $"{directive.Keyword}: '{args[0]}' is not NAT, DR or TUN"),
        };
        var guePort = 0;
        var rest = args.Skip(1).ToList();
        if (method == "tunnel" && rest is ["type", var type, ..])
        {
            rest.RemoveRange(0, 2);
            switch (type.ToLowerInvariant())
            {
                case "ipip":
                    break;
                case "gue" when rest is ["port", var port, ..]:
                    guePort = (int)ImportValues.ParseInteger(port, 1, 65535, directive.File, directive.Line, $"{directive.Keyword} TUN type gue port");
                    rest.RemoveRange(0, 2);
                    break;
                case "gue":
                    throw new ImportParseException(directive.File, directive.Line, $"{directive.Keyword} TUN type gue: a port is required");
                default:
                    result.Warn(directive.File, directive.Line,
                        $"{directive.Text}: tunnel type '{type}' not carried over (lvsd tunnels with ipip or gue); written as plain IP-in-IP, change the real server to match");
                    break;
            }
        }

        if (rest.Count > 0)
        {
            result.Warn(directive.File, directive.Line, $"{directive.Text}: '{string.Join(' ', rest)}' not carried over (lvsd has no such tunnel options)");
        }

        return (method, guePort);
    }

    private static string ServiceReason(string keyword) => keyword switch
    {
        "warmup" => "lvsd has no random delay before the first check",
        "smtp_alert" => "lvsd sends no mail; it logs every up/down transition",
        "ha_suspend" => "lvsd checks whether or not it holds the virtual address",
        "sorry_server_inhibit" => "lvsd adds the sorry server only while it is in use and removes it afterwards",
        "quorum" => "lvsd switches to the sorry server only when every real server is down, as keepalived's default quorum 1 does",
        "hysteresis" => "lvsd has no quorum, so no hysteresis either",
        "quorum_up" or "quorum_down" => "lvsd runs no scripts on quorum changes; it logs them",
        "omega" => "lvsd runs no scripts at shutdown",
        "nat_mask" => "lvsd does not use it",
        "persistence_engine" => "lvsd has no persistence engines",
        "hashed" => "lvsd has no equivalent",
        _ => "not recognized by the importer",
    };

    private static string ServerReason(string keyword) => keyword switch
    {
        "notify_up" or "notify_down" => "lvsd runs no scripts on up/down transitions; it logs each one",
        "warmup" => "lvsd has no random delay before the first check",
        "smtp_alert" => "lvsd sends no mail; it logs every up/down transition",
        _ => "not recognized by the importer",
    };

    /// <summary>Check settings no carried-over check uses are said, not dropped.</summary>
    private static void WarnUnusedSettings(IEnumerable<KeepalivedStatement> block, string owner, ImportedConfiguration result)
    {
        foreach (var setting in block.Where(d => KeepalivedCheckSettings.IsSetting(d.Keyword)))
        {
            result.Warn(setting.File, setting.Line, $"{owner}: {setting.Text} not carried over (no health check lvsd runs here uses it)");
        }
    }

    /// <summary>sorry_server IP [PORT], forwarded by sorry_server_lvs_method or else the virtual_server's method.</summary>
    private static ImportedSorryServer? SorryServer(KeepalivedStatement? directive, (string Method, int GuePort)? method, ImportedConfiguration result)
    {
        if (directive is null)
        {
            return null;
        }

        if (directive.Arguments.Count is < 1 or > 2 || directive.Block is not null)
        {
            throw new ImportParseException(directive.File, directive.Line, $"{directive.Text}: expected 'sorry_server IP [PORT]'");
        }

        var (forwarding, guePort) = method ?? ("masq", 0);
        if (guePort != 0)
        {
            result.Warn(directive.File, directive.Line, $"{directive.Text}: the GUE tunnel of the sorry server is not carried over (lvsd's sorry_server has no tunnel options); written as plain IP-in-IP");
        }

        return new ImportedSorryServer
        {
            Address = ImportValues.ParseAddress(directive.Arguments[0], directive.File, directive.Line, "sorry_server"),
            Port = directive.Arguments.Count == 2 ? (int)ImportValues.ParseInteger(directive.Arguments[1], 0, 65535, directive.File, directive.Line, "sorry_server port") : 0,
            Method = forwarding,
            SourceLine = directive.Line,
        };
    }
}
