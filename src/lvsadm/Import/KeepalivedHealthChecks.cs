using System.Globalization;

namespace LvsDirector.Admin.Import;

/// <summary>
/// Turns the checker blocks of a keepalived real_server into lvsd's health_check, with keepalived's own
/// defaults written out wherever they differ from lvsd's (docs/importing.md has the table).
/// </summary>
internal static class KeepalivedHealthChecks
{
    public static readonly IReadOnlyList<string> CheckBlocks =
        ["TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "PING_CHECK", "SMTP_CHECK", "DNS_CHECK", "BFD_CHECK", "FILE_CHECK", "UDP_CHECK"];

    // keepalived's defaults where its manual gives them; lvsd's differ, so they are written out.
    private static readonly TimeSpan DefaultDelayLoop = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan HttpDelayBeforeRetry = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan OtherDelayBeforeRetry = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The check of one real server: its first checker lvsd can run. Every other checker is reported, since
    /// keepalived wants all of them up and lvsd runs one.
    /// </summary>
    public static ImportedHealthCheck? Translate(IReadOnlyList<KeepalivedStatement> checkers, KeepalivedCheckSettings inherited, ImportedConfiguration result)
    {
        ArgumentNullException.ThrowIfNull(checkers);
        ArgumentNullException.ThrowIfNull(result);
        var carried = checkers.FirstOrDefault(c => LvsdType(c.Keyword) is not null);
        foreach (var checker in checkers.Where(c => !ReferenceEquals(c, carried)))
        {
            var tail = carried is null
                ? "; this real server is not health-checked (always up)"
                : $"; only the {carried.Keyword} check (line {carried.Line}) is carried over, keepalived wanted both to pass";
            var reason = LvsdType(checker.Keyword) is null ? $"lvsd has no {Unsupported(checker.Keyword)}" : "lvsd runs one check per real server";
            result.Warn(checker.File, checker.Line, $"{checker.Keyword} health check not carried over ({reason}){tail}");
        }

        return carried is null ? null : Translate(carried, inherited, result);
    }

    private static string? LvsdType(string keyword) => keyword switch
    {
        "TCP_CHECK" => "tcp",
        "HTTP_GET" => "http",
        "SSL_GET" => "https",
        "PING_CHECK" => "ping",
        "MISC_CHECK" => "exec",
        _ => null,
    };

    private static string Unsupported(string keyword) => keyword switch
    {
        "SMTP_CHECK" => "SMTP check",
        "DNS_CHECK" => "DNS check",
        "BFD_CHECK" => "BFD",
        "FILE_CHECK" => "file-driven check",
        "UDP_CHECK" => "UDP check",
        _ => "such check",
    };

    private static ImportedHealthCheck? Translate(KeepalivedStatement checker, KeepalivedCheckSettings inherited, ImportedConfiguration result)
    {
        var block = checker.Block ?? [];
        var settings = inherited.With(block, result);
        var type = LvsdType(checker.Keyword)!;
        var web = type is "http" or "https";
        var port = 0;
        string? command = null;
        TimeSpan? commandTimeout = null;
        KeepalivedStatement? url = null;
        foreach (var directive in block)
        {
            var file = directive.File;
            var line = directive.Line;
            switch (directive.Keyword)
            {
                case var keyword when KeepalivedCheckSettings.IsSetting(keyword):
                    break;
                case "connect_port" when type is not ("exec" or "ping"):
                    port = (int)ImportValues.ParseInteger(directive.SingleValue(), 1, 65535, file, line, "connect_port");
                    break;
                case "url" when web && url is null:
                    url = directive;
                    break;
                case "url" when web:
                    result.Warn(file, line, $"{checker.Keyword}: url {{ … }} block not carried over (lvsd's check requests one URL; the first, line {url!.Line}, is carried over)");
                    break;
                case "misc_path" when type == "exec" && directive.Arguments.Count > 0 && directive.Block is null:
                    command = string.Join(' ', directive.Arguments);
                    break;
                case "misc_timeout" when type == "exec":
                    commandTimeout = ImportValues.ParseSeconds(directive.SingleValue(), file, line, "misc_timeout", out _);
                    break;
                default:
                    result.Warn(file, line, $"{checker.Keyword}: {directive.Describe()} not carried over ({CheckerReason(directive.Keyword)})");
                    break;
            }
        }

        if (type == "exec" && command is null)
        {
            result.Warn(checker.File, checker.Line, "MISC_CHECK without misc_path not carried over (there is nothing to run); this real server is not health-checked");
            return null;
        }

        var check = new ImportedHealthCheck { Type = type, Port = port, Command = command };
        if (web)
        {
            check = url is null ? check with { Path = "/" } : Url(url, check, checker.Keyword, result);
            check = check with { Host = check.Host ?? settings.VirtualHost };
        }

        var interval = settings.DelayLoop ?? DefaultDelayLoop;
        var retryInterval = settings.DelayBeforeRetry ?? (web ? HttpDelayBeforeRetry : OtherDelayBeforeRetry);
        var timeout = type == "exec" ? commandTimeout ?? interval : settings.ConnectTimeout ?? DefaultConnectTimeout;

        // keepalived's retry counts the checks after the first failure: retry N marks the server down at the
        // (N+1)th consecutive failure. MISC_CHECK's retry defaults to 0, every other checker's to 1.
        var fall = (long)(settings.Retry ?? (type == "exec" ? 0 : 1)) + 1;
        if (fall > ImportedHealthCheck.MaxFall)
        {
            result.Warn(checker.File, checker.Line, $"{checker.Keyword}: retry {settings.Retry} means {fall} failures before down; lvsd's fall stops at {ImportedHealthCheck.MaxFall}, which is written");
            fall = ImportedHealthCheck.MaxFall;
        }

        return check.WithTimings(interval, retryInterval, timeout, (int)fall, initialDown: settings.Alpha == true);
    }

    private static ImportedHealthCheck Url(KeepalivedStatement url, ImportedHealthCheck check, string checker, ImportedConfiguration result)
    {
        var path = "/";
        foreach (var directive in url.Block ?? [])
        {
            var file = directive.File;
            var line = directive.Line;
            switch (directive.Keyword)
            {
                case "path":
                    path = directive.SingleValue();
                    break;
                case "digest":
                    var digest = directive.SingleValue();
                    if (digest.Length != 32 || !digest.All(char.IsAsciiHexDigit))
                    {
                        throw new ImportParseException(file, line, $"digest: '{digest}' is not an MD5 digest (32 hexadecimal digits)");
                    }

                    check = check with { Digest = digest.ToLowerInvariant() };
                    break;
                case "status_code":
                    check = check with { Status = StatusCodes(directive) };
                    break;
                case "virtualhost":
                    check = check with { Host = directive.SingleValue() };
                    break;
                default:
                    result.Warn(file, line, $"{checker} url: {directive.Describe()} not carried over ({UrlReason(directive.Keyword)})");
                    break;
            }
        }

        return check with { Path = path };
    }

    /// <summary>status_code 200 or 200-299 400-499 503: the codes listed, or null for 200-299 (lvsd's default, any 2xx).</summary>
    private static string? StatusCodes(KeepalivedStatement directive)
    {
        if (directive.Arguments.Count == 0 || directive.Block is not null)
        {
            throw new ImportParseException(directive.File, directive.Line, "status_code: expected codes or ranges such as 200 or 200-299");
        }

        var codes = new SortedSet<long>();
        foreach (var argument in directive.Arguments)
        {
            var dash = argument.IndexOf('-', StringComparison.Ordinal);
            var first = ImportValues.ParseInteger(dash < 0 ? argument : argument[..dash], 100, 599, directive.File, directive.Line, "status_code");
            var last = dash < 0 ? first : ImportValues.ParseInteger(argument[(dash + 1)..], first, 599, directive.File, directive.Line, "status_code range end");
            for (var code = first; code <= last; code++)
            {
                codes.Add(code);
            }
        }

        return codes.Count == 100 && codes.Min == 200 && codes.Max == 299
            ? null
            : string.Join(", ", codes.Select(c => c.ToString(CultureInfo.InvariantCulture)));
    }

    private static string CheckerReason(string keyword) => keyword switch
    {
        "connect_ip" => "lvsd checks the real server's own address",
        "bindto" or "bind_port" or "bind_if" => "lvsd chooses the source address and port of its checks",
        "fwmark" => "lvsd does not mark check packets",
        "warmup" => "lvsd has no random delay before the first check",
        "log_all_failures" => "lvsd logs every up/down transition with the reason of the last check",
        "http_protocol" or "fast_recovery" or "enable_sni" => "lvsd's HTTP check has no such option",
        "misc_dynamic" => "a check cannot set the weight in lvsd",
        "user" => "lvsd has no setting for the user a check command runs as",
        "connect_port" => "this checker does not connect to a port",
        _ => "not recognized by the importer",
    };

    private static string UrlReason(string keyword) => keyword switch
    {
        "regex" or "regex_no_match" or "regex_options" or "regex_stack" or "regex_min_offset" or "regex_max_offset" =>
            "lvsd's HTTP check matches no regular expressions; expect: takes a plain text the body must contain",
        _ => "not recognized by the importer",
    };
}
