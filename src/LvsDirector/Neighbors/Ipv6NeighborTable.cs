namespace LvsDirector.Neighbors;

/// <summary>
/// The Neighbor Discovery cache of one link (RFC 4861): IPv6 addresses as <see cref="UInt128"/>, the same code as the
/// IPv4 <see cref="NeighborTable"/>. The caller solicits each address <see cref="NeighborTable{TAddress}.CollectProbes"/>
/// returns (to its solicited-node multicast group while unresolved) and feeds advertisements to Learn.
/// </summary>
public sealed class Ipv6NeighborTable : NeighborTable<UInt128>
{
    public Ipv6NeighborTable(int capacity = 4096, long reachableMs = 60_000, long retryMs = 1_000, int maxProbes = 3, int holdSlots = 64, int holdFrameSize = 2048)
        : base(capacity, reachableMs, retryMs, maxProbes, holdSlots, holdFrameSize)
    {
    }
}
