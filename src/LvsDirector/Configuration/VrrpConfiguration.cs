using System.Net;

namespace LvsDirector.Configuration;

/// <summary>
/// The vrrp: section (keepalived's vrrp_instance for a director pair); null on <see cref="DirectorConfiguration"/>
/// means no VRRP: lvsd always owns and announces its VIPs. The VIPs advertised are the IPv4 addresses of the services.
/// </summary>
public sealed record VrrpConfiguration
{
    public const int DefaultPriority = 100;

    /// <summary>A configured interface (normally the client-facing one) adverts are sent and received on.</summary>
    public required string Interface { get; init; }

    /// <summary>virtual_router_id, 1 to 255, the same on both directors.</summary>
    public required int VirtualRouterId { get; init; }

    /// <summary>1 to 255; 255 claims address ownership (master at once).</summary>
    public int Priority { get; init; } = DefaultPriority;

    /// <summary>advert_interval: whole seconds (1-255) for version 2, 10 ms steps up to 40.95 s for version 3.</summary>
    public TimeSpan AdvertInterval { get; init; } = TimeSpan.FromSeconds(1);

    public bool Preempt { get; init; } = true;

    /// <summary>How long a backup tolerates a lower-priority master before preempting it (0 to 1000 s).</summary>
    public TimeSpan PreemptDelay { get; init; } = TimeSpan.Zero;

    /// <summary>2 (RFC 3768, keepalived's default vrrp_version) or 3 (RFC 5798).</summary>
    public int Version { get; init; } = 3;

    /// <summary>IPv4 peers to advertise to by unicast instead of 224.0.0.18; empty means multicast.</summary>
    public IReadOnlyList<IPAddress> UnicastPeers { get; init; } = [];

    // Compared by content, so a reload with the same section is no change.
    public bool Equals(VrrpConfiguration? other) =>
        other is not null
        && string.Equals(Interface, other.Interface, StringComparison.Ordinal)
        && VirtualRouterId == other.VirtualRouterId
        && Priority == other.Priority
        && AdvertInterval == other.AdvertInterval
        && Preempt == other.Preempt
        && PreemptDelay == other.PreemptDelay
        && Version == other.Version
        && UnicastPeers.SequenceEqual(other.UnicastPeers);

    public override int GetHashCode() => HashCode.Combine(Interface, VirtualRouterId, Priority, AdvertInterval, Version, UnicastPeers.Count);
}
