namespace LvsDirector.HighAvailability;

/// <summary>One virtual router as this director runs it; the host fills it from the vrrp: section of the config file.</summary>
public sealed record VrrpInstanceSettings
{
    /// <summary>The interface adverts are sent and received on (the client-facing one, where the VIPs are announced).</summary>
    public required string Interface { get; init; }

    /// <summary>VRID, 1 to 255; both directors of a pair use the same.</summary>
    public required byte VirtualRouterId { get; init; }

    /// <summary>1 to 254 for a backup-capable router; 255 claims address ownership and starts as master.</summary>
    public byte Priority { get; init; } = 100;

    /// <summary>Advertisement_Interval: whole seconds for v2, centiseconds (up to 40.95 s) for v3.</summary>
    public TimeSpan AdvertisementInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Preempt_Mode: a higher-priority backup takes over from a lower-priority master.</summary>
    public bool Preempt { get; init; } = true;

    /// <summary>How long a backup keeps accepting a lower-priority master before preempting it (keepalived's preempt_delay).</summary>
    public TimeSpan PreemptDelay { get; init; } = TimeSpan.Zero;

    public VrrpVersion Version { get; init; } = VrrpVersion.V3;

    /// <summary>This router's primary IPv4 address on <see cref="Interface"/>: the advert source and the tie-breaker.</summary>
    public required uint PrimaryAddress { get; init; }

    /// <summary>The IPv4 VIPs listed in adverts (at least one).</summary>
    public required IReadOnlyList<uint> VirtualAddresses { get; init; }

    /// <summary>Unicast peers to advertise to instead of 224.0.0.18 (keepalived's unicast_peer); empty means multicast.</summary>
    public IReadOnlyList<uint> UnicastPeers { get; init; } = [];

    /// <summary>Advertisement_Interval in centiseconds, as carried in v3 adverts (whole seconds times 100 for v2).</summary>
    public ushort IntervalCentiseconds =>
        Version == VrrpVersion.V2
            ? (ushort)(Math.Clamp((int)AdvertisementInterval.TotalSeconds, 1, 255) * 100)
            : (ushort)Math.Clamp((int)(AdvertisementInterval.Ticks / (TimeSpan.TicksPerMillisecond * 10)), 1, 4095);
}
