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

        // A firewall-mark service has no port of its own: a connecting check of a port-less server has none to use.
        if (service.Fwmark != 0)
        {
            foreach (var server in service.RealServers.Where(s => s.Port == 0 && s.HealthCheck is { Type: "tcp" or "http" or "https", Port: 0 }))
            {
                Warn(service.SourceFile, server.SourceLine,
                    $"real server {server.Address} of {service.Key}: its {server.HealthCheck!.Type} check has no port to connect to (no server port, no check port); add port: to its health_check");
            }
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
