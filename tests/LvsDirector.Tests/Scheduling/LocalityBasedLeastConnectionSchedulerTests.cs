using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class LocalityBasedLeastConnectionSchedulerTests
{
    private readonly ManualTimeProvider _time = new();

    private static ScheduleInput To(uint destination) => new(0xC6130001, destination, 40000, 80, 6);

    private LocalityBasedLeastConnectionScheduler Create(IReadOnlyList<SchedulerDestination> d, int capacity = 1 << 15)
    {
        var scheduler = new LocalityBasedLeastConnectionScheduler(_time, capacity);
        scheduler.Update(d);
        return scheduler;
    }

    private static string Name(SchedulerDestination? d) => d is TestDestination t ? t.Name : "-";

    [Fact]
    public void NameIsLblc() => Assert.Equal("lblc", new LocalityBasedLeastConnectionScheduler().Name);

    [Fact]
    public void NewAddressesGetTheWlcChoiceAndThenStick()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create(d);
        var first = scheduler.Schedule(To(0xC6120001))!;
        Assert.Same(d[0], first);
        first.AddActive(1);
        Assert.Same(d[1], scheduler.Schedule(To(0xC6120002)));
        d[1].AddActive(1);
        Assert.Same(d[2], scheduler.Schedule(To(0xC6120003)));

        // The address stays with A even though A now has more load than others (no server is under half load
        // and A has no more connections than its weight).
        d[2].AddActive(1);
        Assert.Same(d[0], scheduler.Schedule(To(0xC6120001)));
        Assert.Equal(3, scheduler.CachedAddresses);
    }

    [Fact]
    public void OverloadRuleMovesTheAddressOnlyWhenSomeServerIsBelowHalfItsWeight()
    {
        var d = Make(2, 4);
        var scheduler = Create(d);
        Assert.Same(d[0], scheduler.Schedule(To(0xC6120001)));
        d[0].AddActive(3); // 3 > weight 2
        d[1].AddActive(2); // 2 * 2 is not below 4
        Assert.Same(d[0], scheduler.Schedule(To(0xC6120001)));
        d[1].AddActive(-1); // 1 * 2 < 4: B has room, A counts as overloaded
        Assert.Same(d[1], scheduler.Schedule(To(0xC6120001)));

        // The assignment moved with it.
        d[0].AddActive(-3);
        Assert.Same(d[1], scheduler.Schedule(To(0xC6120001)));
    }

    [Fact]
    public void OverloadRuleInALargePoolNoticesTheOneServerWithRoom()
    {
        var d = Make(Enumerable.Repeat(2, 500).ToArray());
        foreach (var destination in d)
        {
            destination.AddActive(1); // 1 * 2 is not below 2: nobody has room
        }

        var scheduler = Create(d);
        var first = scheduler.Schedule(To(77))!;
        first.AddActive(5); // over its weight, but nobody is below half
        Assert.Same(first, scheduler.Schedule(To(77)));
        d[321].AddActive(-1); // now 321 is idle: below half its weight
        Assert.Same(d[321], scheduler.Schedule(To(77)));
        d[321].AddActive(1);
        Assert.Same(d[321], scheduler.Schedule(To(77)));
    }

    [Fact]
    public void QuiescedServerLosesItsAddresses()
    {
        var d = Make(1, 1);
        var scheduler = Create(d);
        Assert.Same(d[0], scheduler.Schedule(To(7)));
        d[0].Weight = 0;
        scheduler.Update(d);
        Assert.Same(d[1], scheduler.Schedule(To(7)));
        d[0].Weight = 1;
        scheduler.Update(d);
        Assert.Same(d[1], scheduler.Schedule(To(7)));
    }

    [Fact]
    public void RemovedServerLosesItsAddresses()
    {
        var d = Make(1, 1);
        var scheduler = Create(d);
        Assert.Same(d[0], scheduler.Schedule(To(7)));
        scheduler.Update([d[1]]);
        Assert.Same(d[1], scheduler.Schedule(To(7)));
    }

    [Fact]
    public void FlagOverloadedCachedServerIsStillUsed()
    {
        // The kernel's lblc checks only weight and its own overload rule for the cached server, not the flag.
        var d = Make(1, 1);
        var scheduler = Create(d);
        Assert.Same(d[0], scheduler.Schedule(To(7)));
        d[0].IsOverloaded = true;
        Assert.Same(d[0], scheduler.Schedule(To(7)));
        Assert.Same(d[1], scheduler.Schedule(To(8)));
    }

    [Fact]
    public void AllUnavailableGivesNull()
    {
        var d = Make(0, 0);
        Assert.Null(Create(d).Schedule(To(1)));
        Assert.Null(new LocalityBasedLeastConnectionScheduler(_time).Schedule(To(1)));
    }

    [Fact]
    public void UnusedEntriesExpireAtTheFullCheckAfterTheExpirationTime()
    {
        var d = Make(1, 1);
        var scheduler = Create(d);
        scheduler.Schedule(To(1))!.AddActive(1);
        var two = scheduler.Schedule(To(2));
        Assert.Same(d[1], two);
        _time.Advance(TimeSpan.FromHours(23));
        scheduler.Schedule(To(2)); // keeps 2 fresh
        Assert.Equal(2, scheduler.CachedAddresses);
        _time.Advance(TimeSpan.FromHours(2)); // 1 is now 25 h old, 2 only 2 h
        scheduler.Schedule(To(3));
        Assert.Equal(2, scheduler.CachedAddresses);
        Assert.Same(d[1], scheduler.Schedule(To(2)));
    }

    [Fact]
    public void FullCheckRunsEveryThirtyMinutes()
    {
        var d = Make(1);
        var scheduler = Create(d);
        scheduler.Expiration = TimeSpan.FromMinutes(10);
        scheduler.Schedule(To(1));
        for (int minute = 1; minute <= 29; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            scheduler.Schedule(To(2));
        }

        Assert.Equal(2, scheduler.CachedAddresses); // 1 is 29 minutes idle, but the 30th check is the full one
        _time.Advance(TimeSpan.FromMinutes(1));
        scheduler.Schedule(To(2));
        Assert.Equal(1, scheduler.CachedAddresses);
    }

    [Fact]
    public void LargeTableCollectsEntriesIdleForSixMinutes()
    {
        var d = Make(1, 1);
        var scheduler = Create(d);
        for (uint a = 0; a < 20_000; a++)
        {
            scheduler.Schedule(To(a));
        }

        for (int minute = 1; minute <= 5; minute++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            scheduler.Schedule(To(0));
        }

        Assert.Equal(20_000, scheduler.CachedAddresses);
        _time.Advance(TimeSpan.FromMinutes(1));
        scheduler.Schedule(To(0)); // address 0 is fresh; the rest are 6 minutes idle
        Assert.Equal(20_000 - ((20_000 - 16_384) * 4 / 3), scheduler.CachedAddresses);
        _time.Advance(TimeSpan.FromMinutes(1));
        scheduler.Schedule(To(0));
        Assert.Equal(20_000 - ((20_000 - 16_384) * 4 / 3), scheduler.CachedAddresses);
    }

    [Fact]
    public void FullTableStillSchedulesWithoutCaching()
    {
        var d = Make(1, 1);
        var scheduler = Create(d, 16);
        for (uint a = 0; a < 40; a++)
        {
            Assert.NotNull(scheduler.Schedule(To(a)));
        }

        Assert.Equal(12, scheduler.CachedAddresses);
        for (uint a = 0; a < 12; a++)
        {
            Assert.Equal(Name(scheduler.Schedule(To(a))), Name(scheduler.Schedule(To(a))));
        }
    }

    [Fact]
    public void TableSurvivesChurnOfInsertsAndExpiry()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create(d, 64);
        scheduler.Expiration = TimeSpan.FromMinutes(1);
        var random = new Random(5);
        for (int round = 0; round < 200; round++)
        {
            var expected = new Dictionary<uint, SchedulerDestination>();
            for (int i = 0; i < 30; i++)
            {
                uint address = (uint)random.Next(1000);
                var picked = scheduler.Schedule(To(address))!;
                if (expected.TryGetValue(address, out var before))
                {
                    Assert.Same(before, picked);
                }

                expected[address] = picked;
            }

            _time.Advance(TimeSpan.FromMinutes(40));
        }
    }
}
