using LvsDirector.Neighbors;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Neighbors;

public class Ipv6NeighborTableTests : NeighborTableContractTests<UInt128>
{
    private static readonly UInt128 Base = Ipv6Address.Parse("2001:db8:1::1");

    // Alternate between the interface id and the prefix, so both halves of the address matter.
    protected override UInt128 At(int n) => (n & 1) == 0 ? Base + (uint)n : Base + ((UInt128)(uint)n << 64);

    protected override NeighborTable<UInt128> NewTable(int capacity = 64, int holdSlots = 4, int holdFrameSize = 128) =>
        new Ipv6NeighborTable(capacity, reachableMs: 60_000, retryMs: 1_000, maxProbes: 3, holdSlots, holdFrameSize);

    [Fact]
    public void NeighboursDifferingOnlyInTheirPrefixAreDistinct()
    {
        var table = new Ipv6NeighborTable(capacity: 16);
        var a = Ipv6Address.Parse("2001:db8:1::5");
        var b = Ipv6Address.Parse("2001:db8:2::5");
        var linkLocal = Ipv6Address.Parse("fe80::5");
        table.Learn(a, new MacAddress(0x02_00_00_00_00_01), 0, create: true);
        table.Learn(b, new MacAddress(0x02_00_00_00_00_02), 0, create: true);
        Assert.False(table.TryResolve(linkLocal, 0, out _));
        Assert.True(table.TryResolve(a, 0, out var macA));
        Assert.True(table.TryResolve(b, 0, out var macB));
        Assert.Equal((0x02_00_00_00_00_01UL, 0x02_00_00_00_00_02UL), (macA.Value, macB.Value));
        Assert.Equal(3, table.Count);
    }
}
