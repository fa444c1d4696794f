using LvsDirector.DataPath;
using LvsDirector.Packets;

namespace LvsDirector.Tests.DataPath;

public class Ipv6FragmentTrackerTests : FragmentTrackerContractTests<Ipv6FragmentKey>
{
    private static readonly UInt128 Client = Ipv6Address.Parse("2001:db8:a::2");
    private static readonly UInt128 Vip = Ipv6Address.Parse("2001:db8::64");

    // Sources alternate between interface ids and /64 prefixes, so both halves of the address matter.
    private protected override Ipv6FragmentKey Key(ushort id, int source = 0) =>
        new((source & 1) == 0 ? Client + (uint)source : Client + ((UInt128)(uint)source << 64), Vip, id);

    private protected override FragmentTracker<Ipv6FragmentKey> NewTracker(int buckets, int heldSlots, int heldSlotBytes, long timeoutMs) =>
        new Ipv6FragmentTracker(buckets, heldSlots, heldSlotBytes, timeoutMs);

    [Fact]
    public void The_whole_32_bit_identification_counts()
    {
        var tracker = new Ipv6FragmentTracker();
        tracker.RecordFirst(new Ipv6FragmentKey(Client, Vip, 0x0001_0005), 40000, 53, 0, 1232, nowMs: 0);
        Assert.Equal(-1, tracker.Find(new Ipv6FragmentKey(Client, Vip, 0x0000_0005), nowMs: 0));
        Assert.Equal(-1, tracker.Find(new Ipv6FragmentKey(Client, Vip, 0x0002_0005), nowMs: 0));
        var slot = tracker.Find(new Ipv6FragmentKey(Client, Vip, 0x0001_0005), nowMs: 0);
        Assert.True(slot >= 0);
        Assert.Equal((40000, 53), (tracker[slot].SourcePort, tracker[slot].DestinationPort));
    }

    [Fact]
    public void Source_and_destination_are_compared_in_full()
    {
        var tracker = new Ipv6FragmentTracker();
        tracker.RecordFirst(new Ipv6FragmentKey(Client, Vip, 9), 1, 2, 0, 8, nowMs: 0);
        Assert.Equal(-1, tracker.Find(new Ipv6FragmentKey(Client + ((UInt128)1 << 127), Vip, 9), nowMs: 0));
        Assert.Equal(-1, tracker.Find(new Ipv6FragmentKey(Client, Vip + ((UInt128)1 << 64), 9), nowMs: 0));
        Assert.Equal(-1, tracker.Find(new Ipv6FragmentKey(Vip, Client, 9), nowMs: 0));
        Assert.True(tracker.Find(new Ipv6FragmentKey(Client, Vip, 9), nowMs: 0) >= 0);
    }
}
