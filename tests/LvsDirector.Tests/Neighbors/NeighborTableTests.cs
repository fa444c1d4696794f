using LvsDirector.Neighbors;

namespace LvsDirector.Tests.Neighbors;

public class NeighborTableTests : NeighborTableContractTests<uint>
{
    protected override uint At(int n) => 0xC6120100u + (uint)n; // 198.18.1.0 upwards

    protected override NeighborTable<uint> NewTable(int capacity = 64, int holdSlots = 4, int holdFrameSize = 128) =>
        new NeighborTable(capacity, reachableMs: 60_000, retryMs: 1_000, maxProbes: 3, holdSlots, holdFrameSize);
}
