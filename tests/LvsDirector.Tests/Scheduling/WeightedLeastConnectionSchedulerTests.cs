using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class WeightedLeastConnectionSchedulerTests
{
    [Fact]
    public void NameIsWlc() => Assert.Equal("wlc", new WeightedLeastConnectionScheduler().Name);

    [Fact]
    public void ExactSequenceForWeights3And1() =>
        // A 0/3 ties B 0/1 (first wins); then B until A's overhead per weight is strictly above B's.
        Assert.Equal("A B A A A B A A A B", Connect(Create<WeightedLeastConnectionScheduler>(Make(3, 1)), 10));

    [Fact]
    public void InactiveConnectionsCount()
    {
        var d = Make(1, 1);
        var scheduler = Create<WeightedLeastConnectionScheduler>(d);
        d[0].AddInactive(3);
        Assert.Equal("B", Picks(scheduler, 1));
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 4 })]
    [InlineData(new[] { 5, 1, 0, 10 })]
    public void ActiveConnectionsFollowWeights(int[] weights)
    {
        var d = Make(weights);
        var scheduler = Create<WeightedLeastConnectionScheduler>(d);
        var counts = ConnectCounts(scheduler, d, 10_000);
        int total = weights.Sum();
        for (int i = 0; i < weights.Length; i++)
        {
            Assert.InRange(counts[i], (10_000 * weights[i] / total) - 2, (10_000 * weights[i] / total) + 2);
        }
    }

    [Fact]
    public void QuiescingMovesNewConnectionsAway()
    {
        var d = Make(1, 1);
        var scheduler = Create<WeightedLeastConnectionScheduler>(d);
        d[1].AddActive(10);
        Assert.Equal("A", Picks(scheduler, 1));
        d[0].Weight = 0;
        scheduler.Update(d);
        Assert.Equal("B B", Picks(scheduler, 2));
    }

    [Fact]
    public void OverloadedFirstServerDoesNotStartTheScan()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create<WeightedLeastConnectionScheduler>(d);
        d[0].IsOverloaded = true;
        d[1].AddActive(1);
        Assert.Equal("C", Picks(scheduler, 1));
    }
}
