using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

public class SchedulerRegistryTests
{
    [Fact]
    public void KnowsEveryIpvsScheduler()
    {
        Assert.Equal(
            ["dh", "fo", "lblc", "lblcr", "lc", "mh", "nq", "ovf", "rr", "sed", "sh", "twos", "wlc", "wrr"],
            SchedulerRegistry.Names.Order(StringComparer.Ordinal));
        Assert.True(SchedulerRegistry.IsKnown("rr"));
        Assert.True(SchedulerRegistry.IsKnown("wrr"));
    }

    [Theory]
    [InlineData("rr", typeof(RoundRobinScheduler))]
    [InlineData("wrr", typeof(WeightedRoundRobinScheduler))]
    [InlineData("lc", typeof(LeastConnectionScheduler))]
    [InlineData("wlc", typeof(WeightedLeastConnectionScheduler))]
    [InlineData("sed", typeof(ShortestExpectedDelayScheduler))]
    [InlineData("nq", typeof(NeverQueueScheduler))]
    [InlineData("sh", typeof(SourceHashingScheduler))]
    [InlineData("dh", typeof(DestinationHashingScheduler))]
    [InlineData("lblc", typeof(LocalityBasedLeastConnectionScheduler))]
    [InlineData("lblcr", typeof(LocalityBasedLeastConnectionReplicationScheduler))]
    [InlineData("mh", typeof(MaglevHashScheduler))]
    [InlineData("fo", typeof(WeightedFailoverScheduler))]
    [InlineData("ovf", typeof(WeightedOverflowScheduler))]
    [InlineData("twos", typeof(TwoRandomChoicesScheduler))]
    public void CreatesFreshInstancesByName(string name, Type expected)
    {
        Assert.True(SchedulerRegistry.TryCreate(name, out var first));
        Assert.True(SchedulerRegistry.TryCreate(name, out var second));
        Assert.IsType(expected, first);
        Assert.Equal(name, first.Name);
        Assert.NotSame(first, second);
        Assert.Equal(SchedulerFlags.None, first.Flags);
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
        Assert.False(SchedulerRegistry.TryCreate(name, SchedulerFlags.Flag1, out scheduler));
        Assert.Null(scheduler);
    }

    [Fact]
    public void TryCreateWithFlagsConfiguresThem()
    {
        Assert.True(SchedulerRegistry.TryCreate("sh", SchedulerFlags.Fallback | SchedulerFlags.Port, out var scheduler));
        Assert.Equal(SchedulerFlags.Flag1 | SchedulerFlags.Flag2, scheduler.Flags);
    }

    [Theory]
    [InlineData("sh", new[] { "sh-fallback", "sh-port" }, SchedulerFlags.Flag1 | SchedulerFlags.Flag2)]
    [InlineData("mh", new[] { "mh-port" }, SchedulerFlags.Flag2)]
    [InlineData("mh", new[] { "mh-fallback" }, SchedulerFlags.Flag1)]
    [InlineData("wlc", new[] { "flag-1", "flag-3" }, SchedulerFlags.Flag1 | SchedulerFlags.Flag3)]
    [InlineData("sh", new[] { "flag-2" }, SchedulerFlags.Port)]
    [InlineData("rr", new string[0], SchedulerFlags.None)]
    public void ParsesIpvsadmFlagNames(string scheduler, string[] names, SchedulerFlags expected)
    {
        Assert.True(SchedulerRegistry.TryParseFlags(scheduler, names, out var flags));
        Assert.Equal(expected, flags);
    }

    [Theory]
    [InlineData("mh", "sh-port")]
    [InlineData("sh", "mh-fallback")]
    [InlineData("wlc", "sh-fallback")]
    [InlineData("sh", "flag-4")]
    [InlineData("sh", "SH-PORT")]
    public void RejectsForeignOrUnknownFlagNames(string scheduler, string name)
    {
        Assert.False(SchedulerRegistry.TryParseFlags(scheduler, [name], out var flags));
        Assert.Equal(SchedulerFlags.None, flags);
    }
}
