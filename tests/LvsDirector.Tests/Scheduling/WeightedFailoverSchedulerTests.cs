using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class WeightedFailoverSchedulerTests
{
    [Fact]
    public void NameIsFo() => Assert.Equal("fo", new WeightedFailoverScheduler().Name);

    [Fact]
    public void HeaviestServerTakesEverything() =>
        Assert.Equal("B B B B", Connect(Create<WeightedFailoverScheduler>(Make(1, 5, 3)), 4));

    [Fact]
    public void TiesGoToTheFirstInListOrder() =>
        Assert.Equal("B B", Picks(Create<WeightedFailoverScheduler>(Make(1, 5, 5)), 2));

    [Fact]
    public void FailsOverInWeightOrderAndBack()
    {
        var d = Make(2, 5, 3, 0);
        var scheduler = Create<WeightedFailoverScheduler>(d);
        d[1].IsOverloaded = true;
        Assert.Equal("C", Picks(scheduler, 1));
        d[2].IsOverloaded = true;
        Assert.Equal("A", Picks(scheduler, 1));
        d[0].IsOverloaded = true;
        Assert.Equal("-", Picks(scheduler, 1)); // D is quiescent
        d[1].IsOverloaded = false;
        Assert.Equal("B", Picks(scheduler, 1));
    }

    [Fact]
    public void WeightChangesReorder()
    {
        var d = Make(2, 5);
        var scheduler = Create<WeightedFailoverScheduler>(d);
        d[1].Weight = 0;
        scheduler.Update(d);
        Assert.Equal("A", Picks(scheduler, 1));
        d[1].Weight = 1;
        d[0].Weight = 1;
        scheduler.Update(d);
        Assert.Equal("A", Picks(scheduler, 1));
        scheduler.Update([d[1], d[0]]);
        Assert.Equal("B", Picks(scheduler, 1));
    }

    [Fact]
    public void EmptyGivesNull() => Assert.Equal("-", Picks(new WeightedFailoverScheduler(), 1));
}
