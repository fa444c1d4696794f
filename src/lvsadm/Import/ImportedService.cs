namespace LvsDirector.Admin.Import;

/// <summary>One services entry as lvsd's YAML spells it.</summary>
internal sealed class ImportedService
{
    /// <summary>tcp or udp; null for a firewall-mark service.</summary>
    public string? Protocol { get; set; }

    public string? Address { get; set; }

    public int Port { get; set; }

    /// <summary>0: not a firewall-mark service.</summary>
    public uint Fwmark { get; set; }

    /// <summary>null: not given in the source, lvsd's default applies.</summary>
    public string? Scheduler { get; set; }

    public IList<string> SchedulerFlags { get; } = new List<string>();

    /// <summary>Seconds; null: no persistence.</summary>
    public int? PersistenceTimeout { get; set; }

    public string? PersistenceNetmask { get; set; }

    public bool OnePacket { get; set; }

    public IList<ImportedRealServer> RealServers { get; } = new List<ImportedRealServer>();

    public required string SourceFile { get; init; }

    public int SourceLine { get; init; }

    /// <summary>What identifies the service to lvsd, for duplicate detection and messages.</summary>
    public string Key => Fwmark != 0 ? $"fwmark {Fwmark}" : $"{Protocol?.ToUpperInvariant()} {Address}:{Port}";

    public ImportedService CopyFor(string? address, int port, uint fwmark, int sourceLine)
    {
        var copy = new ImportedService
        {
            Protocol = fwmark != 0 ? null : Protocol,
            Address = address,
            Port = port,
            Fwmark = fwmark,
            Scheduler = Scheduler,
            PersistenceTimeout = PersistenceTimeout,
            PersistenceNetmask = PersistenceNetmask,
            OnePacket = OnePacket,
            SourceFile = SourceFile,
            SourceLine = sourceLine,
        };
        foreach (var flag in SchedulerFlags)
        {
            copy.SchedulerFlags.Add(flag);
        }

        foreach (var server in RealServers)
        {
            copy.RealServers.Add(server);
        }

        return copy;
    }
}
