namespace LvsDirector.Forwarding;

/// <summary>What <see cref="TunnelDecapsulator"/> found in a frame.</summary>
public enum DecapsulationResult
{
    /// <summary>An inner IPv4 packet was found.</summary>
    Ok,

    /// <summary>Not IPIP/GUE for this host: leave it to the kernel.</summary>
    NotTunnel,

    /// <summary>Tunnel traffic that is truncated or inconsistent.</summary>
    Malformed,

    /// <summary>A fragment of a tunnel packet (not reassembled).</summary>
    Fragment,
}
