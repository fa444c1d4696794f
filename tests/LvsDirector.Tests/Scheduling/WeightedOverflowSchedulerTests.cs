using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class WeightedOverflowSchedulerTests
{
    [Fact]
    public void NameIsOvf() => Assert.Equal("ovf", new WeightedOverflowScheduler().Name);

    [Fact]
    public void FillsTheHeaviestUpToItsWeightThenOverflows() =>
        // A (3) takes connections while active <= 3, i.e. four; then B (2) three; then nothing is left.
        Assert.Equal("A A A A B B B - -", Connect(Create<WeightedOverflowScheduler>(Make(3, 2)), 9));

    [Fact]
    public void ClosingConnectionsBringsTrafficBack()
    {
        var d = Make(1, 1);
        var scheduler = Create<WeightedOverflowScheduler>(d);
        Assert.Equal("A A B B -", Connect(scheduler, 5));
        d[0].AddActive(-1);
        Assert.Equal("A -", Connect(scheduler, 2));
        d[0].AddActive(-1);
        d[0].AddInactive(5); // inactive connections do not count
        Assert.Equal("A", Connect(scheduler, 1));
    }

    [Fact]
    public void SkipsOverloadedAndQuiescent()
    {
        var d = Make(0, 4, 2);
        var scheduler = Create<WeightedOverflowScheduler>(d);
        d[1].IsOverloaded = true;
        Assert.Equal("C C C -", Connect(scheduler, 4));
    }

    [Fact]
    public void EqualWeightsPreferTheFirst() =>
        Assert.Equal("B B C C", Connect(Create<WeightedOverflowScheduler>(Make(0, 1, 1)), 4));
}
