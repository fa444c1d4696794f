using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

public class SchedulerRegistryTests
{
    [Fact]
    public void KnowsRrAndWrr()
    {
        Assert.Equal(["rr", "wrr"], SchedulerRegistry.Names.Order(StringComparer.Ordinal));
        Assert.True(SchedulerRegistry.IsKnown("rr"));
        Assert.True(SchedulerRegistry.IsKnown("wrr"));
    }

    [Theory]
    [InlineData("rr", typeof(RoundRobinScheduler))]
    [InlineData("wrr", typeof(WeightedRoundRobinScheduler))]
    public void CreatesFreshInstancesByName(string name, Type expected)
    {
        Assert.True(SchedulerRegistry.TryCreate(name, out var first));
        Assert.True(SchedulerRegistry.TryCreate(name, out var second));
        Assert.IsType(expected, first);
        Assert.Equal(name, first.Name);
        Assert.NotSame(first, second);
    }

    [Theory]
    [InlineData("RR")]
    [InlineData("")]
    [InlineData("nosuch")]
    public void UnknownNamesAreRejected(string name)
    {
        Assert.False(SchedulerRegistry.IsKnown(name));
        Assert.False(SchedulerRegistry.TryCreate(name, out var scheduler));
        Assert.Null(scheduler);
    }
}
