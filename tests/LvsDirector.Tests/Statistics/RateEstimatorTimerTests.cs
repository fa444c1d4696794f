using LvsDirector.Statistics;

namespace LvsDirector.Tests.Statistics;

public sealed class RateEstimatorTimerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeTrafficSource _source = new();

    [Fact]
    public void Ticks_every_two_seconds_of_virtual_time()
    {
        var estimator = new RateEstimator(_source);
        using var timer = new RateEstimatorTimer(_time);
        timer.Add(estimator);
        timer.Start();
        _source.Add(100, 0, 0, 0, 0);

        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(0UL, estimator.Read().ConnectionsPerSecond);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(12UL, estimator.Read().ConnectionsPerSecond);

        _source.Add(100, 0, 0, 0, 0);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(22UL, estimator.Read().ConnectionsPerSecond);
    }

    [Fact]
    public void Advancing_four_seconds_at_once_runs_two_ticks()
    {
        var estimator = new RateEstimator(_source);
        using var timer = new RateEstimatorTimer(_time);
        timer.Add(estimator);
        timer.Start();
        _source.Add(100, 0, 0, 0, 0);

        _time.Advance(TimeSpan.FromSeconds(4));

        // Tick 1 sees +100 (avg 12800), tick 2 sees +0: 12800 - 3200 = 9600 -> (9600+511)>>10 = 9.
        Assert.Equal(9UL, estimator.Read().ConnectionsPerSecond);
    }

    [Fact]
    public void Removed_estimators_stop_ticking_and_others_go_on()
    {
        var kept = new RateEstimator(_source);
        var other = new FakeTrafficSource();
        var removed = new RateEstimator(other);
        using var timer = new RateEstimatorTimer(_time);
        timer.Add(kept);
        timer.Add(removed);
        timer.Add(removed);
        Assert.Equal(2, timer.Count);
        timer.Start();

        Assert.True(timer.Remove(removed));
        Assert.False(timer.Remove(removed));
        _source.Add(100, 0, 0, 0, 0);
        other.Add(100, 0, 0, 0, 0);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(12UL, kept.Read().ConnectionsPerSecond);
        Assert.Equal(0UL, removed.Read().ConnectionsPerSecond);
    }

    [Fact]
    public void Nothing_ticks_before_start_and_dispose_stops_the_timer()
    {
        var estimator = new RateEstimator(_source);
        var timer = new RateEstimatorTimer(_time);
        timer.Add(estimator);
        _source.Add(100, 0, 0, 0, 0);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(0UL, estimator.Read().ConnectionsPerSecond);

        timer.Start();
        Assert.Equal(1, _time.ActiveTimers);
        timer.Dispose();

        Assert.Equal(0, _time.ActiveTimers);
        Assert.Throws<ObjectDisposedException>(timer.Start);
    }
}
