namespace LvsDirector.Configuration;

/// <summary>Neighbour (ARP) resolution settings.</summary>
public sealed record NeighborsConfiguration
{
    public static readonly TimeSpan DefaultArpTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long a resolved neighbour entry stays valid.</summary>
    public TimeSpan ArpTimeout { get; init; } = DefaultArpTimeout;
}
