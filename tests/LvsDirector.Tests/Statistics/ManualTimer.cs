namespace LvsDirector.Tests.Statistics;

/// <summary>A timer of <see cref="ManualTimeProvider"/>.</summary>
internal sealed class ManualTimer : ITimer
{
    private readonly ManualTimeProvider _owner;
    private readonly TimerCallback _callback;
    private readonly object? _state;

    public ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state)
    {
        _owner = owner;
        _callback = callback;
        _state = state;
    }

    public DateTimeOffset? DueAt { get; set; }

    public TimeSpan? Period { get; set; }

    public bool Change(TimeSpan dueTime, TimeSpan period)
    {
        _owner.Schedule(
            this,
            dueTime == Timeout.InfiniteTimeSpan ? null : _owner.Now + dueTime,
            period == Timeout.InfiniteTimeSpan ? null : period);
        return true;
    }

    public void Fire() => _callback(_state);

    public void Dispose() => _owner.Forget(this);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
