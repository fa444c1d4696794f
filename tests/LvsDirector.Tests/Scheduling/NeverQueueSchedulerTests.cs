using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class NeverQueueSchedulerTests
{
    [Fact]
    public void NameIsNq() => Assert.Equal("nq", new NeverQueueScheduler().Name);

    [Fact]
    public void IdleServersFirstThenShortestExpectedDelay() =>
        Assert.Equal("A B A A A A A B", Connect(Create<NeverQueueScheduler>(Make(3, 1)), 8));

    [Fact]
    public void FirstIdleServerWinsEvenAgainstAMuchFasterBusyOne()
    {
        var d = Make(100, 1);
        var scheduler = Create<NeverQueueScheduler>(d);
        d[0].AddActive(1); // 2/100 is far better than 1/1, but B is idle
        Assert.Equal("B", Picks(scheduler, 1));
    }

    [Fact]
    public void IdleButOverloadedOrQuiescentIsSkipped()
    {
        var d = Make(1, 0, 1, 1);
        var scheduler = Create<NeverQueueScheduler>(d);
        d[0].AddActive(3);
        d[2].IsOverloaded = true;
        Assert.Equal("D", Picks(scheduler, 1));
    }

    [Fact]
    public void IdleServerDeepInALargePoolIsFound()
    {
        var d = Make(Enumerable.Repeat(1, 1000).ToArray());
        foreach (var destination in d)
        {
            destination.AddActive(1);
        }

        var scheduler = Create<NeverQueueScheduler>(d);
        Assert.Equal("A", Picks(scheduler, 1)); // all 2/1: the first
        d[777].AddActive(-1);
        Assert.Same(d[777], scheduler.Schedule(default));
    }
}
