using System.Net;
using LvsDirector.Health;
using LvsDirector.Tests.Statistics;

namespace LvsDirector.Tests.Health;

public sealed class HealthMonitorTests
{
    private static readonly HealthCheckSettings Settings = new(HealthCheckType.Tcp)
    {
        Interval = TimeSpan.FromSeconds(6),
        RetryInterval = TimeSpan.FromSeconds(1),
        Timeout = TimeSpan.FromSeconds(5),
        Fall = 3,
        Rise = 1,
    };

    private static HealthCheckTarget Target(HealthCheckSettings settings) => new(IPAddress.Parse("198.18.1.11"), 8080, settings);

    /// <summary>Moves virtual time one second at a time, letting the monitor settle on its next wait after each step.</summary>
    private static async Task Step(ManualTimeProvider time, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (time.ActiveTimers != 1 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
        }
    }

    private static double[] Offsets(ManualTimeProvider time, DateTimeOffset start, ScriptedChecker checker) =>
        [.. checker.Calls.Select(c => (c - start).TotalSeconds)];

    [Fact]
    public async Task Jitter_interval_retry_interval_and_fall_rise_follow_the_settings()
    {
        var time = new ManualTimeProvider();
        var start = time.GetUtcNow();
        var checker = new ScriptedChecker(time, true, false, false, false, true);
        var observer = new RecordingObserver();
        var monitor = new HealthMonitor(Target(Settings), checker, time, TimeSpan.FromSeconds(2), observer);
        monitor.Start();

        await Step(time, 1);
        Assert.Empty(checker.Calls);
        await Step(time, 1);
        Assert.Equal([2.0], Offsets(time, start, checker));

        // Passed: next after the interval (8); failed: retry every second (9, 10); the third failure takes it down.
        await Step(time, 8);
        Assert.Equal([2.0, 8, 9, 10], Offsets(time, start, checker));
        Assert.False(monitor.IsUp);
        var down = Assert.Single(observer.Transitions);
        Assert.Equal(new HealthTransition(false, "scripted failure", 3, 3), down);

        await Step(time, 1);
        Assert.True(monitor.IsUp);
        Assert.Equal(2, observer.Transitions.Count);
        Assert.True(observer.Transitions[1].Up);

        // Up again: back to the interval.
        await Step(time, 5);
        Assert.Equal(5, checker.Calls.Count);
        await Step(time, 1);
        Assert.Equal(6, checker.Calls.Count);
        Assert.Equal(6, observer.Results.Count);

        await monitor.StopAsync();
        Assert.Equal(0, time.ActiveTimers);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(6, checker.Calls.Count);
    }

    [Fact]
    public async Task A_check_that_hangs_fails_at_the_timeout()
    {
        var time = new ManualTimeProvider();
        var checker = new ScriptedChecker(time, true) { Hang = true };
        var observer = new RecordingObserver();
        var settings = Settings with { Fall = 1, Timeout = TimeSpan.FromSeconds(3) };
        var monitor = new HealthMonitor(Target(settings), checker, time, TimeSpan.FromSeconds(1), observer);
        monitor.Start();

        await Step(time, 1);
        Assert.Single(checker.Calls);
        Assert.Empty(observer.Results);
        time.Advance(TimeSpan.FromSeconds(3));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (observer.Transitions.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        var transition = Assert.Single(observer.Transitions);
        Assert.False(transition.Up);
        Assert.Equal("scripted check of 198.18.1.11:8080 timed out after 3 s", transition.Reason);
        await monitor.StopAsync();
    }

    [Fact]
    public async Task Initially_down_needs_rise_passes()
    {
        var time = new ManualTimeProvider();
        var checker = new ScriptedChecker(time, true);
        var observer = new RecordingObserver();
        var monitor = new HealthMonitor(Target(Settings with { InitiallyUp = false, Rise = 2 }), checker, time, TimeSpan.Zero, observer);
        monitor.Start();
        Assert.False(monitor.IsUp);

        await Step(time, 6);
        Assert.True(monitor.IsUp);
        Assert.Equal(new HealthTransition(true, "scripted pass", 2, 2), Assert.Single(observer.Transitions));
        await monitor.StopAsync();
    }
}
