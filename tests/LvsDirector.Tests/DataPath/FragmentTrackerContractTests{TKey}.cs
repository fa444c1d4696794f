using System.Runtime.CompilerServices;
using LvsDirector.DataPath;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// The fragment cache behaviour both families share, run through the one generic tracker by
/// <see cref="FragmentTrackerTests"/> (IPv4 keys) and <see cref="Ipv6FragmentTrackerTests"/> (IPv6 keys).
/// </summary>
public abstract class FragmentTrackerContractTests<TKey>
    where TKey : struct, IEquatable<TKey>
{
    /// <summary>The key of datagram <paramref name="id"/> from source number <paramref name="source"/>.</summary>
    private protected abstract TKey Key(ushort id, int source = 0);

    private protected abstract FragmentTracker<TKey> NewTracker(
        int buckets = FragmentTracker.DefaultBuckets,
        int heldSlots = FragmentTracker.DefaultHeldSlots,
        int heldSlotBytes = FragmentTracker.DefaultHeldSlotBytes,
        long timeoutMs = FragmentTracker.DefaultTimeoutMs);

    [Fact]
    public void A_bucket_full_of_live_flows_refuses_a_new_one_until_one_expires_or_completes()
    {
        var tracker = NewTracker(buckets: 1, heldSlots: 2, timeoutMs: 1000);
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
        var tracker = NewTracker();
        tracker.RecordFirst(Key(7), 40000, 53, 0x18, 1480, nowMs: 5);
        var slot = tracker.Find(Key(7), nowMs: 6);
        Assert.True(slot >= 0);
        Assert.Equal((40000, 53, 0x18), (tracker[slot].SourcePort, tracker[slot].DestinationPort, tracker[slot].TcpFlags));
        Assert.Equal(-1, tracker.Find(Key(7, source: 1), nowMs: 6));
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
        var tracker = NewTracker(heldSlots: 2, heldSlotBytes: 100, timeoutMs: 50);
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

    [Fact]
    public void Many_sources_spread_over_the_buckets()
    {
        var tracker = NewTracker(buckets: 1024, heldSlots: 0);
        var slots = Enumerable.Range(0, 128).Select(source => tracker.RecordFirst(Key(1, source), 1, 2, 0, 8, nowMs: 0)).ToArray();

        // 128 flows in 1024 buckets of 4 (HashCode is seeded per process, so this is random but far from the limit): a
        // hash that ignored the address would fill one bucket and refuse 124.
        int refused = slots.Count(slot => slot < 0);
        Assert.True(refused < 8, $"{refused} of 128 flows refused");
        for (int source = 0; source < 128; source++)
        {
            Assert.Equal(slots[source], slots[source] < 0 ? -1 : tracker.Find(Key(1, source), nowMs: 1));
        }

        Assert.Equal(128 - refused, tracker.ActiveCount(1));
    }

    [Fact]
    public void Tracking_and_holding_do_not_allocate()
    {
        var tracker = NewTracker(buckets: 64, heldSlots: 4, heldSlotBytes: 128);
        var keys = Enumerable.Range(0, 300).Select(n => Key((ushort)n, n % 7)).ToArray();
        var frame = new byte[100];
        long allocated = AllocationProbe.Measure(Run, 10_000, 200_000);
        Assert.Equal(0, allocated);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run(int iterations)
        {
            for (int n = 0; n < iterations; n++)
            {
                var key = keys[n % keys.Length];
                if ((n & 3) == 0)
                {
                    if (tracker.Hold(in key, frame, n) != FragmentHoldResult.Held)
                    {
                        tracker.ExpireHeld(long.MaxValue);
                    }
                }

                int slot = tracker.RecordFirst(in key, 1, 2, 0, 1480, n);
                if (slot >= 0 && tracker.Find(in key, n) == slot)
                {
                    for (int held = tracker.NextHeld(in key, 0); held >= 0; held = tracker.NextHeld(in key, held + 1))
                    {
                        tracker.ReleaseHeld(held);
                    }

                    tracker.Account(slot, 1480, 100, isLast: true);
                }
            }
        }
    }
}
