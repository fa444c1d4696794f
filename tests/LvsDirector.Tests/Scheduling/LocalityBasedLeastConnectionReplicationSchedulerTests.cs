using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class LocalityBasedLeastConnectionReplicationSchedulerTests
{
    private readonly ManualTimeProvider _time = new();

    private static ScheduleInput To(uint destination) => new(0xC6130001, destination, 40000, 80, 6);

    private LocalityBasedLeastConnectionReplicationScheduler Create(IReadOnlyList<SchedulerDestination> d)
    {
        var scheduler = new LocalityBasedLeastConnectionReplicationScheduler(_time);
        scheduler.Update(d);
        return scheduler;
    }

    private static string Set(LocalityBasedLeastConnectionReplicationScheduler s, uint address) =>
        string.Join(' ', s.ServerSetOf(address).Select(x => ((TestDestination)x).Name));

    [Fact]
    public void NameIsLblcr() => Assert.Equal("lblcr", new LocalityBasedLeastConnectionReplicationScheduler().Name);

    [Fact]
    public void OverloadGrowsTheSetNewestFirst()
    {
        var d = Make(2, 4, 4);
        var scheduler = Create(d);
        Assert.Same(d[0], scheduler.Schedule(To(9)));
        Assert.Equal("A", Set(scheduler, 9));
        d[0].AddActive(3); // 3 > 2 and B, C are below half their weight
        Assert.Same(d[1], scheduler.Schedule(To(9)));
        Assert.Equal("B A", Set(scheduler, 9));

        // The least loaded member of the set serves the address now.
        d[1].AddActive(1);
        Assert.Same(d[1], scheduler.Schedule(To(9)));
        d[1].AddActive(4); // B: 5 > 4 while C is idle: C joins
        Assert.Same(d[2], scheduler.Schedule(To(9)));
        Assert.Equal("C B A", Set(scheduler, 9));
    }

    [Fact]
    public void SetLosesItsMostLoadedMemberAfterTheExpirationWithoutChange()
    {
        var d = Make(2, 4);
        var scheduler = Create(d);
        scheduler.Schedule(To(9));
        d[0].AddActive(3);
        scheduler.Schedule(To(9));
        Assert.Equal("B A", Set(scheduler, 9));
        _time.Advance(TimeSpan.FromHours(23));
        scheduler.Schedule(To(9));
        Assert.Equal("B A", Set(scheduler, 9));
        _time.Advance(TimeSpan.FromHours(2));
        Assert.Same(d[1], scheduler.Schedule(To(9)));
        Assert.Equal("B", Set(scheduler, 9)); // A (3/2) was the most loaded
        _time.Advance(TimeSpan.FromHours(25));
        scheduler.Schedule(To(9));
        Assert.Equal("B", Set(scheduler, 9)); // a single member stays
    }

    [Fact]
    public void QuiescentMembersAreSkippedAndRemovedOnesDropped()
    {
        var d = Make(2, 4, 4);
        var scheduler = Create(d);
        scheduler.Schedule(To(9));
        d[0].AddActive(3);
        scheduler.Schedule(To(9)); // set B A
        d[1].Weight = 0;
        scheduler.Update(d);
        d[0].AddActive(-3);
        Assert.Same(d[0], scheduler.Schedule(To(9)));
        scheduler.Update([d[0], d[2]]);
        Assert.Equal("A", Set(scheduler, 9));
    }

    [Fact]
    public void EmptySetAfterRemovalReschedules()
    {
        var d = Make(1, 1);
        var scheduler = Create(d);
        Assert.Same(d[0], scheduler.Schedule(To(5)));
        scheduler.Update([d[1]]);
        Assert.Same(d[1], scheduler.Schedule(To(5)));
        Assert.Equal("B", Set(scheduler, 5));
    }

    [Fact]
    public void UnusedEntriesExpire()
    {
        var scheduler = Create(Make(1, 1));
        scheduler.Schedule(To(1));
        _time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(31));
        scheduler.Schedule(To(2));
        Assert.Equal(1, scheduler.CachedAddresses);
        Assert.Equal(string.Empty, Set(scheduler, 1));
    }

    [Fact]
    public void SetIsBoundedAndDropsItsMostLoadedWhenFull()
    {
        var d = Make(Enumerable.Repeat(1, 12).ToArray());
        var scheduler = Create(d);
        for (int i = 0; i < 11; i++)
        {
            var picked = scheduler.Schedule(To(9))!;
            picked.AddActive(2); // over its weight, others idle: next decision adds a new member
        }

        Assert.Equal(LocalityBasedLeastConnectionReplicationScheduler.SetCapacity, scheduler.ServerSetOf(9).Length);
    }

    [Fact]
    public void ConcurrentWorkersOnALargePoolKeepSetsSoundAndAgreeWithTheKernelAfterwards()
    {
        // 1,000 servers: the block-minimum path, with counters moving on other threads between a decision's replay
        // and its reads.
        var d = Make(Enumerable.Range(0, 1000).Select(i => i % 7 == 0 ? 0 : 1 + (i % 3)).ToArray());
        var scheduler = Create(d);
        int bad = 0;
        RunOnThreads(3, t =>
        {
            var random = new Random(t);
            for (int i = 0; i < 50_000; i++)
            {
                var picked = scheduler.Schedule(To((uint)random.Next(64)));
                if (picked is null || picked.Weight == 0)
                {
                    Interlocked.Increment(ref bad);
                    continue;
                }

                picked.AddActive(1);
                var closing = d[random.Next(d.Length)];
                if (closing.ActiveConnections > 0)
                {
                    closing.AddActive(-1);
                    closing.AddInactive(1);
                }
            }
        });

        Assert.Equal(0, bad);
        for (uint address = 0; address < 64; address++)
        {
            var set = scheduler.ServerSetOf(address);
            Assert.InRange(set.Length, 1, LocalityBasedLeastConnectionReplicationScheduler.SetCapacity);
            Assert.Equal(set.Length, set.Distinct().Count());
            Assert.All(set, member => Assert.Contains(member, d));
        }

        // Once the workers stop, a new address gets exactly the kernel's wlc choice over the live counters.
        Assert.Same(LeastLoadIndexTests.Kernel("wlc", d), scheduler.Schedule(To(1000)));
    }
}
