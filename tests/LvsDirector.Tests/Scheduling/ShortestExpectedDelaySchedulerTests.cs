using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class ShortestExpectedDelaySchedulerTests
{
    [Fact]
    public void NameIsSed() => Assert.Equal("sed", new ShortestExpectedDelayScheduler().Name);

    [Fact]
    public void ExactSequenceForWeights3And1() =>
        // (active + 1) / weight: A takes three before B's 1/1 beats A's 4/3.
        Assert.Equal("A A A B A A A B", Connect(Create<ShortestExpectedDelayScheduler>(Make(3, 1)), 8));

    [Fact]
    public void InactiveConnectionsDoNotCount()
    {
        var d = Make(1, 1);
        var scheduler = Create<ShortestExpectedDelayScheduler>(d);
        d[0].AddInactive(1000);
        Assert.Equal("A", Picks(scheduler, 1));
        d[0].AddActive(1);
        Assert.Equal("B", Picks(scheduler, 1));
    }

    [Fact]
    public void SkipsQuiescentAndOverloaded()
    {
        var d = Make(0, 2, 1);
        var scheduler = Create<ShortestExpectedDelayScheduler>(d);
        d[1].IsOverloaded = true;
        Assert.Equal("C C", Connect(scheduler, 2));
        d[2].IsOverloaded = true;
        Assert.Equal("-", Picks(scheduler, 1));
    }

    [Fact]
    public void ActiveConnectionsFollowWeights()
    {
        var d = Make(1, 2, 7);
        var scheduler = Create<ShortestExpectedDelayScheduler>(d);
        var counts = ConnectCounts(scheduler, d, 10_000);
        Assert.InRange(counts[0], 998, 1002);
        Assert.InRange(counts[1], 1998, 2002);
        Assert.InRange(counts[2], 6998, 7002);
    }
}
