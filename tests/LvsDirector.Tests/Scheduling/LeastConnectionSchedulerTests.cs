using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class LeastConnectionSchedulerTests
{
    [Fact]
    public void NameIsLc() => Assert.Equal("lc", new LeastConnectionScheduler().Name);

    [Fact]
    public void EqualLoadsCycleAndWeightsDoNotMatter() =>
        Assert.Equal("A B C A B C A", Connect(Create<LeastConnectionScheduler>(Make(1, 5, 3)), 7));

    [Fact]
    public void ActiveConnectionsWeigh256InactiveOnes()
    {
        var d = Make(1, 1);
        var scheduler = Create<LeastConnectionScheduler>(d);
        d[0].AddActive(1); // overhead 256
        d[1].AddInactive(255); // overhead 255
        Assert.Equal("B", Picks(scheduler, 1));
        d[1].AddInactive(1); // 256: tie goes to the first
        Assert.Equal("A", Picks(scheduler, 1));
        d[1].AddInactive(1);
        Assert.Equal("A", Picks(scheduler, 1));
    }

    [Fact]
    public void QuiescentAndOverloadedAreSkipped()
    {
        var d = Make(1, 0, 1);
        var scheduler = Create<LeastConnectionScheduler>(d);
        d[0].AddActive(5);
        Assert.Equal("C", Picks(scheduler, 1)); // B has weight 0
        d[2].IsOverloaded = true;
        Assert.Equal("A", Picks(scheduler, 1));
        d[0].IsOverloaded = true;
        Assert.Equal("-", Picks(scheduler, 1));
        d[2].IsOverloaded = false;
        Assert.Equal("C", Picks(scheduler, 1));
    }

    [Fact]
    public void EmptyGivesNull() => Assert.Equal("-", Picks(new LeastConnectionScheduler(), 1));

    [Fact]
    public void AddedServerTakesNewConnectionsUntilLevel()
    {
        var d = Make(1, 1);
        var scheduler = Create<LeastConnectionScheduler>(d);
        Connect(scheduler, 4);
        var added = new TestDestination("C", 1);
        scheduler.Update([d[0], d[1], added]);
        Assert.Equal("C C A B C", Connect(scheduler, 5));
    }

    [Fact]
    public void RemovedServerIsNeverReturned()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create<LeastConnectionScheduler>(d);
        scheduler.Update([d[0], d[2]]);
        Assert.Equal("A C A C", Connect(scheduler, 4));
    }

    [Fact]
    public void BalancesConnectionsEvenlyAcrossALargePool()
    {
        var d = Make(Enumerable.Repeat(1, 200).ToArray());
        var scheduler = Create<LeastConnectionScheduler>(d);
        var counts = ConnectCounts(scheduler, d, 20_000);
        Assert.All(counts, c => Assert.Equal(100, c));
    }
}
