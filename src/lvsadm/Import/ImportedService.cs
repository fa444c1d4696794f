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

    /// <summary>Dotted netmask for an IPv4 service, prefix length (1..128) for an IPv6 one.</summary>
    public string? PersistenceNetmask { get; set; }

    /// <summary>An IPv6 firewall-mark service (keepalived's ip_family inet6); address services take their address's family.</summary>
    public bool Ipv6Fwmark { get; set; }

    /// <summary>IPv6 VIP or IPv6 firewall-mark service.</summary>
    public bool IsIpv6 => Fwmark != 0 ? Ipv6Fwmark : Address?.Contains(':', StringComparison.Ordinal) == true;

    public bool OnePacket { get; set; }

    public IList<ImportedRealServer> RealServers { get; } = new List<ImportedRealServer>();

    public ImportedSorryServer? SorryServer { get; set; }

    public required string SourceFile { get; init; }

    public int SourceLine { get; init; }

    /// <summary>What identifies the service to lvsd, for duplicate detection and messages.</summary>
    public string Key => Fwmark != 0
        ? (Ipv6Fwmark ? $"fwmark {Fwmark} IPv6" : $"fwmark {Fwmark}")
        : IsIpv6 ? $"{Protocol?.ToUpperInvariant()} [{Address}]:{Port}" : $"{Protocol?.ToUpperInvariant()} {Address}:{Port}";

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
            Ipv6Fwmark = Ipv6Fwmark,
            OnePacket = OnePacket,
            SorryServer = SorryServer,
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
