namespace LvsDirector.Neighbors;

/// <summary>The ARP cache of one link: IPv4 addresses as host-order <see cref="uint"/>. See <see cref="NeighborTable{TAddress}"/>.</summary>
public sealed class NeighborTable : NeighborTable<uint>
{
    public NeighborTable(int capacity = 4096, long reachableMs = 60_000, long retryMs = 1_000, int maxProbes = 3, int holdSlots = 64, int holdFrameSize = 2048)
        : base(capacity, reachableMs, retryMs, maxProbes, holdSlots, holdFrameSize)
    {
    }
}
