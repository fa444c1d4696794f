namespace LvsDirector.Admin.Import;

/// <summary>What an importer understood: the services to write and everything it could not carry over.</summary>
internal sealed class ImportedConfiguration
{
    public ImportedConfiguration(string sourceFile, string format)
    {
        SourceFile = sourceFile;
        Format = format;
    }

    /// <summary>The path given on the command line, named in the YAML header.</summary>
    public string SourceFile { get; }

    /// <summary>keepalived or ldirectord.</summary>
    public string Format { get; }

    public IList<ImportedService> Services { get; } = new List<ImportedService>();

    public IList<ImportWarning> Warnings { get; } = new List<ImportWarning>();

    /// <summary>
    /// The report in reading order: the main file by line, then included files (by first mention), each by line;
    /// file-level notes (line 0) first.
    /// </summary>
    public IReadOnlyList<ImportWarning> OrderedWarnings()
    {
        var files = new List<string> { SourceFile };
        foreach (var warning in Warnings)
        {
            if (!files.Contains(warning.File))
            {
                files.Add(warning.File);
            }
        }

        return Warnings.OrderBy(w => files.IndexOf(w.File)).ThenBy(w => w.Line).ToList();
    }

    /// <summary>Says that the written interfaces list is a placeholder; every importer ends with it.</summary>
    public void WarnInterfacesPlaceholder() =>
        Warn(SourceFile, 0, $"interfaces cannot be derived from a {Format} configuration; the output lists '{LvsdYamlWriter.PlaceholderInterface}' as a placeholder: set the capture interfaces before use");

    /// <summary>Records a note once: a group expanded into several services must not repeat it for each.</summary>
    public void Warn(string file, int line, string message)
    {
        var warning = new ImportWarning(file, line, message);
        if (!Warnings.Contains(warning))
        {
            Warnings.Add(warning);
        }
    }

    /// <summary>Adds the service unless lvsd would reject it as a duplicate, which is reported instead.</summary>
    public void AddService(ImportedService service, string directive)
    {
        ArgumentNullException.ThrowIfNull(service);
        foreach (var existing in Services)
        {
            if (string.Equals(existing.Key, service.Key, StringComparison.Ordinal))
            {
                Warn(service.SourceFile, service.SourceLine,
                    $"{directive}: {service.Key} is already defined at {existing.SourceFile}:{existing.SourceLine}; this one is not carried over");
                return;
            }
        }

        Services.Add(service);

        foreach (var server in service.RealServers.Where(s => s.HealthCheck is not null))
        {
            FitHealthCheck(service, server);
        }
    }

    /// <summary>
    /// Bends a carried check into what lvsd's loader accepts, saying so, so that the written file always loads:
    /// timings into lvsd's range, a Host header lvsd can send, and a port to connect to.
    /// </summary>
    private void FitHealthCheck(ImportedService service, ImportedRealServer server)
    {
        var check = server.HealthCheck!;
        var where = $"real server {server.Address} of {service.Key}";

        // A firewall-mark service has no port of its own: a connecting check of a port-less server has none to use.
        if (service.Fwmark != 0 && server.Port == 0 && check is { Type: "tcp" or "http" or "https", Port: 0 })
        {
            Warn(service.SourceFile, server.SourceLine,
                $"{where}: its {check.Type} check not carried over: it has no port to connect to (no server port, no check port); add a health_check with port:");
            server.HealthCheck = null;
            return;
        }

        if (check.Host is { } host && (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c == '/')))
        {
            Warn(service.SourceFile, server.SourceLine, $"{where}: Host header \"{host}\" not carried over (lvsd sends a host name, optionally with :port)");
            check = check with { Host = null };
        }

        check = check with
        {
            Interval = Clamp(check.Interval, "interval"),
            RetryInterval = Clamp(check.RetryInterval, "retry_interval"),
            Timeout = Clamp(check.Timeout, "timeout"),
        };
        server.HealthCheck = check;

        TimeSpan? Clamp(TimeSpan? value, string key)
        {
            if (value is not { } given || (given >= ImportedHealthCheck.MinimumTiming && given <= ImportedHealthCheck.MaximumTiming))
            {
                return value;
            }

            var fitted = given < ImportedHealthCheck.MinimumTiming ? ImportedHealthCheck.MinimumTiming : ImportedHealthCheck.MaximumTiming;
            Warn(service.SourceFile, server.SourceLine,
                $"{where}: check {key} {(long)given.TotalMilliseconds}ms is outside lvsd's 100ms..3600s; {(long)fitted.TotalMilliseconds}ms is written");
            return fitted;
        }
    }

    /// <summary>
    /// The sorry server follows the real servers' rules: the service's address family, and no port of its own
    /// unless masqueraded. What breaks them is reported (<paramref name="what"/> names the directive).
    /// </summary>
    public void FitSorryServer(ImportedService service, string what)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.SorryServer is not { } sorry)
        {
            return;
        }

        if (ImportValues.IsIPv6(sorry.Address) != service.IsIpv6)
        {
            Warn(service.SourceFile, sorry.SourceLine, $"{what} {sorry.Address} of {service.Key} not carried over (IPv4 and IPv6 do not mix in lvsd)");
            service.SorryServer = null;
        }
        else if (sorry.Method != "masq" && sorry.Port != 0)
        {
            if (sorry.Port != service.Port || service.Fwmark != 0)
            {
                Warn(service.SourceFile, sorry.SourceLine,
                    $"{what} {sorry.Address} port {sorry.Port}: the port is not carried over (with {sorry.Method} forwarding the packet keeps its destination port)");
            }

            service.SorryServer = sorry with { Port = 0 };
        }
    }
}
