using LvsDirector.Health;

namespace LvsDirector.Tests.Health;

public sealed class HealthStateMachineTests
{
    [Fact]
    public void An_up_server_goes_down_after_fall_consecutive_failures_only()
    {
        var machine = new HealthStateMachine(rise: 2, fall: 3, initiallyUp: true);

        Assert.False(machine.Record(false));
        Assert.False(machine.Record(false));
        Assert.False(machine.Record(true));
        Assert.False(machine.Record(false));
        Assert.False(machine.Record(false));
        Assert.True(machine.IsUp);
        Assert.True(machine.Record(false));
        Assert.False(machine.IsUp);
        Assert.Equal(3, machine.ConsecutiveFailed);
        Assert.False(machine.Record(false));
    }

    [Fact]
    public void A_down_server_comes_up_after_rise_consecutive_passes()
    {
        var machine = new HealthStateMachine(rise: 2, fall: 1, initiallyUp: false);

        Assert.False(machine.Record(true));
        Assert.False(machine.Record(false));
        Assert.False(machine.Record(true));
        Assert.False(machine.IsUp);
        Assert.True(machine.Record(true));
        Assert.True(machine.IsUp);
        Assert.True(machine.Record(false));
        Assert.False(machine.IsUp);
    }

    [Fact]
    public void Rise_and_fall_below_one_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HealthStateMachine(0, 1, true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HealthStateMachine(1, 0, true));
    }
}
