namespace LvsDirector.Configuration;

/// <summary>NIC offload handling on captured interfaces.</summary>
public sealed record OffloadsConfiguration
{
    /// <summary>Turn GRO/LRO/TSO/GSO off at start, as the kernel does for forwarding interfaces.</summary>
    public bool Disable { get; init; } = true;
}
