using LvsDirector.DataPath;

namespace LvsDirector.Tests.DataPath;

public class FragmentTrackerTests : FragmentTrackerContractTests<FragmentKey>
{
    private protected override FragmentKey Key(ushort id, int source = 0) => new(0xC612_0002u + (uint)source, 0xC612_0064, 17, id);

    private protected override FragmentTracker<FragmentKey> NewTracker(int buckets, int heldSlots, int heldSlotBytes, long timeoutMs) =>
        new FragmentTracker(buckets, heldSlots, heldSlotBytes, timeoutMs);

    [Fact]
    public void The_protocol_is_part_of_an_IPv4_key()
    {
        var tracker = new FragmentTracker();
        tracker.RecordFirst(new FragmentKey(1, 2, 17, 5), 1, 2, 0, 8, nowMs: 0);
        Assert.True(tracker.Find(new FragmentKey(1, 2, 17, 5), nowMs: 0) >= 0);
        Assert.Equal(-1, tracker.Find(new FragmentKey(1, 2, 6, 5), nowMs: 0));
    }
}
