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

    /// <summary>The check that decides whether this server is up; null: never checked, always up.</summary>
    public ImportedHealthCheck? HealthCheck { get; set; }

    /// <summary>
    /// The server without its port, for forwarding methods that keep the packet's destination port. A check that
    /// connected to the dropped port keeps connecting there.
    /// </summary>
    /// <param name="servicePort">The port packets keep (0 for a firewall-mark service).</param>
    public ImportedRealServer WithoutPort(int servicePort) => new()
    {
        Address = Address,
        Port = 0,
        Weight = Weight,
        Method = Method,
        GuePort = GuePort,
        UpperThreshold = UpperThreshold,
        LowerThreshold = LowerThreshold,
        SourceLine = SourceLine,
        HealthCheck = HealthCheck is { Port: 0, UsesPort: true } && Port != 0 && Port != servicePort ? HealthCheck with { Port = Port } : HealthCheck,
    };
}
