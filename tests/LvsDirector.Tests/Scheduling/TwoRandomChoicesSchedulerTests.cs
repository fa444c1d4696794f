using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class TwoRandomChoicesSchedulerTests
{
    private static TwoRandomChoicesScheduler Create(IReadOnlyList<SchedulerDestination> d, long seed = 42)
    {
        var scheduler = new TwoRandomChoicesScheduler(seed);
        scheduler.Update(d);
        return scheduler;
    }

    [Fact]
    public void NameIsTwos() => Assert.Equal("twos", new TwoRandomChoicesScheduler().Name);

    [Fact]
    public void SameSeedGivesTheSameSequence()
    {
        var d = Make(1, 2, 3, 4);
        Assert.Equal(Picks(Create(d, 9), 200), Picks(Create(d, 9), 200));
        Assert.NotEqual(Picks(Create(d, 9), 200), Picks(Create(d, 10), 200));
    }

    [Fact]
    public void WithoutLoadTheFirstDrawFollowsWeights()
    {
        // Equal overheads keep choice 1, so picks follow the weighted draw: 1:3 (+1 value for A in 0..4).
        var d = Make(1, 3);
        var scheduler = Create(d);
        var input = default(ScheduleInput);
        int a = 0;
        for (int i = 0; i < 100_000; i++)
        {
            a += scheduler.Schedule(in input) == d[0] ? 1 : 0;
        }

        Assert.InRange(a / 100_000.0, 0.38, 0.42); // (1 + 1) / (4 + 1)
    }

    [Fact]
    public void LessLoadedOfTheTwoWins()
    {
        var d = Make(1, 1);
        var scheduler = Create(d);
        d[0].AddActive(100);
        var input = default(ScheduleInput);
        int a = 0;
        for (int i = 0; i < 10_000; i++)
        {
            a += scheduler.Schedule(in input) == d[0] ? 1 : 0;
        }

        // A wins only when both draws land on it: (2/3)^2.
        Assert.InRange(a / 10_000.0, 0.40, 0.49);
    }

    [Fact]
    public void ConnectionsSpreadByWeight()
    {
        var d = Make(1, 2, 3, 4);
        var counts = ConnectCounts(Create(d), d, 20_000);
        for (int i = 0; i < 4; i++)
        {
            Assert.InRange(counts[i], 2_000 * (i + 1) * 0.9, 2_000 * (i + 1) * 1.1);
        }
    }

    [Fact]
    public void OverloadedAndQuiescentAreNeverChosen()
    {
        var d = Make(5, 0, 1, 5);
        var scheduler = Create(d);
        d[0].IsOverloaded = true;
        var input = default(ScheduleInput);
        for (int i = 0; i < 10_000; i++)
        {
            var picked = scheduler.Schedule(in input);
            Assert.True(picked == d[2] || picked == d[3]);
        }

        d[3].IsOverloaded = true;
        d[2].IsOverloaded = true;
        Assert.Equal("- -", Picks(scheduler, 2));
        d[2].IsOverloaded = false;
        Assert.Equal("C C C", Picks(scheduler, 3)); // the exact walk finds the one left
    }

    [Fact]
    public void EmptyGivesNull() => Assert.Equal("-", Picks(new TwoRandomChoicesScheduler(), 1));
}
