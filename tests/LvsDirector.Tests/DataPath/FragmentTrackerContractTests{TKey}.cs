using LvsDirector.DataPath;

namespace LvsDirector.Tests.DataPath;

public class FragmentTrackerTests
{
    private static FragmentKey Key(ushort id, uint source = 0xC612_0002) => new(source, 0xC612_0064, 17, id);

    [Fact]
    public void A_bucket_full_of_live_flows_refuses_a_new_one_until_one_expires_or_completes()
    {
        var tracker = new FragmentTracker(buckets: 1, heldSlots: 2, timeoutMs: 1000);
        for (ushort id = 0; id < FragmentTracker.Ways; id++)
        {
            Assert.True(tracker.RecordFirst(Key(id), 1, 2, 0, 1480, nowMs: 0) >= 0);
        }

        Assert.Equal(-1, tracker.RecordFirst(Key(99), 1, 2, 0, 1480, nowMs: 999));

        // The same key again is a refresh, not a new flow.
        Assert.True(tracker.RecordFirst(Key(0), 3, 4, 0, 1480, nowMs: 10) >= 0);

        var slot = tracker.Find(Key(1), nowMs: 10);
        tracker.Account(slot, fragmentOffset: 1480, payloadLength: 520, isLast: true);
        Assert.Equal(-1, tracker.Find(Key(1), nowMs: 10));
        Assert.True(tracker.RecordFirst(Key(99), 5, 6, 0, 1480, nowMs: 10) >= 0);

        // Past the timeout every slot is free again.
        Assert.Equal(-1, tracker.Find(Key(2), nowMs: 1000));
        Assert.Equal(0, tracker.ActiveCount(1_100));
        Assert.True(tracker.RecordFirst(Key(100), 1, 2, 0, 8, nowMs: 1_100) >= 0);
    }

    [Fact]
    public void Find_returns_the_first_fragments_ports_and_flags()
    {
        var tracker = new FragmentTracker();
        tracker.RecordFirst(Key(7), 40000, 53, 0x18, 1480, nowMs: 5);
        var slot = tracker.Find(Key(7), nowMs: 6);
        Assert.True(slot >= 0);
        Assert.Equal((40000, 53, 0x18), (tracker[slot].SourcePort, tracker[slot].DestinationPort, tracker[slot].TcpFlags));
        Assert.Equal(-1, tracker.Find(Key(7, source: 0xC612_0003), nowMs: 6));
        Assert.Equal(-1, tracker.Find(Key(8), nowMs: 6));

        // Out-of-order accounting: the last fragment first, the middle one completes the datagram.
        tracker.Account(slot, fragmentOffset: 2960, payloadLength: 1048, isLast: true);
        Assert.True(tracker.Find(Key(7), nowMs: 6) >= 0);
        tracker.Account(slot, fragmentOffset: 1480, payloadLength: 1480, isLast: false);
        Assert.Equal(-1, tracker.Find(Key(7), nowMs: 6));
    }

    [Fact]
    public void Held_fragments_are_bounded_found_by_key_and_expire()
    {
        var tracker = new FragmentTracker(heldSlots: 2, heldSlotBytes: 100, timeoutMs: 50);
        Assert.Equal(FragmentHoldResult.TooLarge, tracker.Hold(Key(1), new byte[101], 0));
        Assert.Equal(FragmentHoldResult.Held, tracker.Hold(Key(1), [1, 2, 3], 0));
        Assert.Equal(FragmentHoldResult.Held, tracker.Hold(Key(2), [4, 5], 10));
        Assert.Equal(FragmentHoldResult.Full, tracker.Hold(Key(3), [6], 10));

        var slot = tracker.NextHeld(Key(2), 0);
        Assert.Equal([4, 5], tracker.HeldFrame(slot).ToArray());
        Assert.Equal(-1, tracker.NextHeld(Key(2), slot + 1));
        Assert.Equal(-1, tracker.NextHeld(Key(3), 0));

        Assert.Equal(1, tracker.ExpireHeld(50));
        Assert.Equal(1, tracker.HeldCount);
        tracker.ReleaseHeld(slot);
        Assert.Equal(0, tracker.HeldCount);
        Assert.Equal(0, tracker.ExpireHeld(1000));
    }
}
