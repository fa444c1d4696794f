namespace LvsDirector.Admin.Import;

/// <summary>One real_servers entry as lvsd's YAML spells it.</summary>
internal sealed class ImportedRealServer
{
    public required string Address { get; init; }

    /// <summary>0: omitted, so lvsd uses the service's port (or the packet's, for a fwmark service).</summary>
    public int Port { get; init; }

    public int Weight { get; set; } = 1;

    /// <summary>masq, route or tunnel.</summary>
    public required string Method { get; set; }

    /// <summary>GUE port for method tunnel with tun_type gue; 0 for plain IP-in-IP.</summary>
    public int GuePort { get; set; }

    public int UpperThreshold { get; set; }

    public int LowerThreshold { get; set; }

    public int SourceLine { get; init; }

    public ImportedRealServer WithoutPort() => new()
    {
        Address = Address,
        Port = 0,
        Weight = Weight,
        Method = Method,
        GuePort = GuePort,
        UpperThreshold = UpperThreshold,
        LowerThreshold = LowerThreshold,
        SourceLine = SourceLine,
    };
}
