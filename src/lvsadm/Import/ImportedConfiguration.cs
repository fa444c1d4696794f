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

    public void Warn(string file, int line, string message) => Warnings.Add(new ImportWarning(file, line, message));

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
    }
}
