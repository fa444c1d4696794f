using System.Buffers;
using System.Globalization;

namespace LvsDirector.Admin.Import;

/// <summary>
/// Turns an ldirectord virtual's check settings (and the global ones it inherits) into lvsd's health_check and
/// sorry_server, with ldirectord's own defaults written out where they differ from lvsd's.
/// </summary>
internal static class LdirectordHealthChecks
{
    /// <summary>Global settings this class reads (the last of each wins, wherever it stands in the file).</summary>
    public static readonly IReadOnlySet<string> GlobalKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "checktimeout", "negotiatetimeout", "checkinterval", "failurecount", "fallback", "fallback6", "quiescent",
    };

    /// <summary>Virtual settings this class reads.</summary>
    public static readonly IReadOnlySet<string> VirtualKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "checktype", "service", "request", "receive", "httpmethod", "virtualhost", "checkport", "checkinterval", "checktimeout",
        "negotiatetimeout", "failurecount", "checkcommand", "fallback", "fallback6", "quiescent",
    };

    // ldirectord's defaults (ldirectord(8)).
    private const int DefaultCheckTimeout = 5;
    private const int DefaultNegotiateTimeout = 30;
    private const int DefaultCheckInterval = 10;
    private const int DefaultFailureCount = 1;
    private const string DefaultCheckCommand = "/bin/true";


    private static readonly SearchValues<char> RegexSpecials = SearchValues.Create(".[]()*+?{}|^$\\");

    /// <summary>The check every real server of the virtual gets (before per-real request/receive pairs).</summary>
    public static ImportedHealthCheck Build(ImportedService service, LdirectordSettings settings, ImportedConfiguration result)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var checkType = settings.Virtual("checktype")?.Value.ToLowerInvariant() ?? "negotiate";
        var checkTypeLine = settings.Virtual("checktype")?.Line ?? settings.Line;
        var udp = service.Protocol == "udp";
        var serviceName = settings.Virtual("service")?.Value.ToLowerInvariant() ?? (service.Fwmark != 0 ? "none" : PortToService(service.Port));

        // checktimeout and negotiatetimeout stand in for each other, the virtual's before the global ones.
        var checkTimeout = Seconds(settings, "checktimeout", virtualOnly: true) ?? Seconds(settings, "negotiatetimeout", virtualOnly: true)
            ?? Seconds(settings, "checktimeout", virtualOnly: false) ?? Seconds(settings, "negotiatetimeout", virtualOnly: false) ?? DefaultCheckTimeout;
        var negotiateTimeout = Seconds(settings, "negotiatetimeout", virtualOnly: true) ?? Seconds(settings, "checktimeout", virtualOnly: true)
            ?? Seconds(settings, "negotiatetimeout", virtualOnly: false) ?? Seconds(settings, "checktimeout", virtualOnly: false) ?? DefaultNegotiateTimeout;

        ImportedHealthCheck check;
        var timeout = checkTimeout;
        switch (checkType)
        {
            case "on":
                return new ImportedHealthCheck { Type = "none" };
            case "off":
                result.Warn(settings.File, checkTypeLine,
                    "checktype=off: ldirectord activates neither the real nor the fallback servers; lvsd has no such state, so the check is written as type none (always up): set the weights to 0 to keep the service idle");
                return new ImportedHealthCheck { Type = "none" };
            case "connect":
                check = new ImportedHealthCheck { Type = udp ? "ping" : "tcp" };
                break;
            case "ping":
                check = new ImportedHealthCheck { Type = "ping" };
                break;
            case "external" or "external-perl":
                check = new ImportedHealthCheck { Type = "exec", Command = Command(service, settings, used) };
                if (checkType == "external-perl")
                {
                    result.Warn(settings.File, checkTypeLine,
                        "checktype=external-perl: lvsd runs the checkcommand as a program (checktype=external), not inside a Perl interpreter; it must be executable");
                }

                break;
            case "negotiate":
            case var number when number.Length > 0 && number.All(char.IsAsciiDigit):
                if (checkType != "negotiate")
                {
                    result.Warn(settings.File, checkTypeLine,
                        $"checktype={checkType} ({checkType} connect checks, then one negotiate check) not carried over as such: lvsd runs the negotiate check every time");
                }

                used.Add("service");
                check = Negotiate(serviceName, udp, settings, used, result);
                timeout = check.Type is "http" or "https" ? negotiateTimeout : checkTimeout;
                if (check.Type == "none")
                {
                    WarnUnused(settings, used, result);
                    return check;
                }

                break;
            default:
                throw new ImportParseException(settings.File, checkTypeLine,
                    $"checktype={checkType}: expected connect, negotiate, ping, external, external-perl, on, off or a number");
        }

        if (settings.Virtual("checkport") is { } checkPort)
        {
            used.Add("checkport");
            if (check.UsesPort)
            {
                check = check with { Port = (int)ImportValues.ParseInteger(checkPort.Value, 1, 65535, settings.File, checkPort.Line, "checkport") };
            }
        }
        else if (service.Fwmark != 0 && check.Type is "http" or "https")
        {
            // ldirectord's last resort for a real server without a port: the service's well-known port.
            check = check with { Port = check.Type == "http" ? 80 : 443 };
        }

        WarnUnused(settings, used, result);
        var interval = TimeSpan.FromSeconds(Interval(settings, result));
        var fall = (long)(Integer(settings, "failurecount", 1, int.MaxValue) ?? DefaultFailureCount);
        if (fall > ImportedHealthCheck.MaxFall)
        {
            var at = settings.Virtual("failurecount") ?? settings.Global("failurecount")!;
            result.Warn(at.File, at.Line, $"failurecount={fall}: lvsd's fall stops at {ImportedHealthCheck.MaxFall}, which is written");
            fall = ImportedHealthCheck.MaxFall;
        }

        // ldirectord checks again only after checkinterval, failed or not, and adds a real server to the table
        // once a check has passed: retry_interval is the interval and servers start down.
        return check.WithTimings(interval, interval, TimeSpan.FromSeconds(timeout), (int)fall, initialDown: true);
    }

    /// <summary>A real= line's own "request", "receive" pair, which replaces the virtual's for that server.</summary>
    public static ImportedHealthCheck? ForReal(ImportedHealthCheck? check, string request, string receive, string file, int line, ImportedConfiguration result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (check?.Type is not ("http" or "https"))
        {
            result.Warn(file, line, $"real: the per-server check request/receive \"{request}\", \"{receive}\" not carried over (only a negotiate http or https check uses it)");
            return check;
        }

        if (request.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || request.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            result.Warn(file, line, $"real: the per-server request \"{request}\" not carried over (lvsd checks the real server itself, not another URL); the virtual's request is used");
            return check;
        }

        return check with { Path = Path(request), Expect = Expect(receive, file, line, result) };
    }

    /// <summary>fallback=IP[:PORT] [gate|masq|ipip], the virtual's or else the global one.</summary>
    public static ImportedSorryServer? Fallback(ImportedService service, LdirectordSettings settings, Func<string, string, int, (string Address, int Port)> parseTarget, ImportedConfiguration result)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(parseTarget);
        ArgumentNullException.ThrowIfNull(result);
        var setting = settings.Virtual("fallback") ?? settings.Virtual("fallback6") ?? settings.Global("fallback") ?? settings.Global("fallback6");
        if (setting is null)
        {
            return null;
        }

        var words = setting.Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is < 1 or > 2)
        {
            throw new ImportParseException(setting.File, setting.Line, $"fallback={setting.Value}: expected IP[:PORT] [gate|masq|ipip]");
        }

        var method = words.Length < 2 ? "route" : words[1].ToLowerInvariant() switch
        {
            "gate" => "route",
            "masq" => "masq",
            "ipip" => "tunnel",
            _ => throw new ImportParseException(setting.File, setting.Line, $"fallback={setting.Value}: '{words[1]}' is not gate, masq or ipip"),
        };
        var (address, port) = parseTarget(words[0], setting.File, setting.Line);
        if (address.StartsWith("127.", StringComparison.Ordinal) || address == "::1")
        {
            // ldirectord's usual fallback is a web server on the director itself; lvsd forwards frames to servers on
            // its network and cannot deliver to its own host's stack, and its loader refuses loopback servers.
            result.Warn(setting.File, setting.Line,
                $"fallback={setting.Value} not carried over: lvsd forwards to servers on its network, not to itself; add a sorry_server that is reachable");
            return null;
        }

        return new ImportedSorryServer { Address = address, Port = port, Method = method, SourceLine = setting.Line };
    }

    /// <summary>quiescent=no asks for removal of down servers; lvsd always keeps them at weight 0.</summary>
    public static void Quiescent(LdirectordSettings settings, ImportedConfiguration result)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(result);
        if ((settings.Virtual("quiescent") ?? settings.Global("quiescent")) is { } quiescent && quiescent.Value.Equals("no", StringComparison.OrdinalIgnoreCase))
        {
            result.Warn(quiescent.File, quiescent.Line,
                "quiescent=no not carried over (lvsd keeps a down server in the table at weight 0, as quiescent=yes does; set expire_nodest_conn or persistence accordingly)");
        }
    }

    private static ImportedHealthCheck Negotiate(string serviceName, bool udp, LdirectordSettings settings, HashSet<string> used, ImportedConfiguration result)
    {
        switch (serviceName)
        {
            case "http" or "https":
                used.UnionWith(["request", "receive", "virtualhost", "httpmethod"]);
                if (settings.Virtual("httpmethod") is { } method && method.Value.Equals("HEAD", StringComparison.OrdinalIgnoreCase))
                {
                    result.Warn(settings.File, method.Line, "httpmethod=HEAD not carried over (lvsd's HTTP check sends GET)");
                }

                var receive = settings.Virtual("receive");
                return new ImportedHealthCheck
                {
                    Type = serviceName,
                    Path = Path(settings.Virtual("request")?.Value ?? "/"),
                    Expect = receive is null ? null : Expect(receive.Value, settings.File, receive.Line, result),
                    Host = settings.Virtual("virtualhost")?.Value,
                };
            case "none":
                return new ImportedHealthCheck { Type = "none" };
            default:
                // A connect check is the part of the negotiation lvsd can do: better than sending traffic to a dead server.
                var fallbackType = udp ? "ping" : "tcp";
                var at = settings.Virtual("service")?.Line ?? settings.Virtual("checktype")?.Line ?? settings.Line;
                result.Warn(settings.File, at,
                    $"service={serviceName}: the negotiate check not carried over (lvsd checks http and https only); written as a {(udp ? "ping" : "tcp connect")} check instead");
                return new ImportedHealthCheck { Type = fallbackType };
        }
    }

    /// <summary>ldirectord runs CHECKCOMMAND VIRTUAL-IP-OR-MARK VIRTUAL-PORT REAL-IP REAL-PORT; the virtual's part is known now.</summary>
    private static string Command(ImportedService service, LdirectordSettings settings, HashSet<string> used)
    {
        used.Add("checkcommand");
        var program = settings.Virtual("checkcommand")?.Value ?? DefaultCheckCommand;
        if (program.Contains(' ', StringComparison.Ordinal))
        {
            program = $"\"{program}\"";
        }

        var virtualAddress = service.Fwmark != 0 ? service.Fwmark.ToString(CultureInfo.InvariantCulture) : service.IsIpv6 ? $"[{service.Address}]" : service.Address;
        return string.Create(CultureInfo.InvariantCulture, $"{program} {virtualAddress} {service.Port} %a %p");
    }

    private static int Interval(LdirectordSettings settings, ImportedConfiguration result)
    {
        // ldirectord honours a virtual's checkinterval only when it forks a checker per virtual.
        if (settings.Virtual("checkinterval") is { } own)
        {
            if (settings.Global("fork")?.Value.Equals("yes", StringComparison.OrdinalIgnoreCase) == true)
            {
                return (int)ImportValues.ParseInteger(own.Value, 1, 86400, own.File, own.Line, "checkinterval");
            }

            result.Warn(own.File, own.Line, $"checkinterval={own.Value} not carried over (ldirectord ignores it in a virtual section unless fork=yes); the global checkinterval is used");
        }

        return settings.Global("checkinterval") is { } global
            ? (int)ImportValues.ParseInteger(global.Value, 1, 86400, global.File, global.Line, "checkinterval")
            : DefaultCheckInterval;
    }

    private static int? Seconds(LdirectordSettings settings, string key, bool virtualOnly)
    {
        var setting = virtualOnly ? settings.Virtual(key) : settings.Global(key);
        return setting is null ? null : (int)ImportValues.ParseInteger(setting.Value, 1, 86400, setting.File, setting.Line, key);
    }

    private static long? Integer(LdirectordSettings settings, string key, long min, long max) =>
        (settings.Virtual(key) ?? settings.Global(key)) is { } setting
            ? ImportValues.ParseInteger(setting.Value, min, max, setting.File, setting.Line, key)
            : null;

    private static void WarnUnused(LdirectordSettings settings, HashSet<string> used, ImportedConfiguration result)
    {
        foreach (var key in new[] { "service", "request", "receive", "httpmethod", "virtualhost", "checkcommand", "checkport" })
        {
            if (!used.Contains(key) && settings.Virtual(key) is { } setting)
            {
                result.Warn(setting.File, setting.Line, $"{key}={setting.Value} not carried over (the check written for this virtual does not use it)");
            }
        }
    }

    /// <summary>ldirectord puts a slash before a relative request.</summary>
    private static string Path(string request) => request.StartsWith('/') ? request : "/" + request;

    /// <summary>receive= is a regular expression; lvsd's expect is a text the body must contain.</summary>
    private static string? Expect(string receive, string file, int line, ImportedConfiguration result)
    {
        if (receive.Length == 0)
        {
            return null;
        }

        if (receive.IndexOfAny(RegexSpecials) >= 0)
        {
            result.Warn(file, line,
                $"receive=\"{receive}\" is a regular expression for ldirectord; lvsd's expect is plain text the body must contain, and is written as given: check it");
        }

        return receive;
    }

    /// <summary>The service ldirectord assumes for a negotiate check from the virtual's port (ld_port_to_service).</summary>
    private static string PortToService(int port) => port switch
    {
        21 => "ftp",
        25 => "smtp",
        53 => "dns",
        80 => "http",
        110 => "pop",
        119 => "nntp",
        143 => "imap",
        389 => "ldap",
        443 => "https",
        587 => "submission",
        636 => "ldaps",
        993 => "imaps",
        995 => "pops",
        1521 => "oracle",
        1812 => "radius",
        3128 => "http_proxy",
        3306 => "mysql",
        5060 => "sip",
        5432 => "pgsql",
        _ => "none",
    };
}
