namespace LvsDirector.Statistics;

/// <summary>
/// Ticks every registered <see cref="RateEstimator"/> once per <see cref="RateEstimator.Interval"/> on a
/// <see cref="TimeProvider"/> timer, as the kernel's single per-namespace estimation timer does. Estimators
/// can come and go at any time (services added and deleted); the tick works on a snapshot of the set.
/// </summary>
public sealed class RateEstimatorTimer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private RateEstimator[] _estimators = [];
    private ITimer? _timer;
    private bool _disposed;

    public RateEstimatorTimer(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>How many estimators are ticked.</summary>
    public int Count => Volatile.Read(ref _estimators).Length;

    /// <summary>Starts ticking: the first tick comes one interval from now.</summary>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _timer ??= _time.CreateTimer(static state => ((RateEstimatorTimer)state!).TickAll(), this, RateEstimator.Interval, RateEstimator.Interval);
        }
    }

    /// <summary>Registers an estimator (once; adding it again is a no-op).</summary>
    public void Add(RateEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        lock (_lock)
        {
            if (Array.IndexOf(_estimators, estimator) < 0)
            {
                Volatile.Write(ref _estimators, [.. _estimators, estimator]);
            }
        }
    }

    /// <summary>Stops ticking an estimator; false when it was not registered.</summary>
    public bool Remove(RateEstimator estimator)
    {
        ArgumentNullException.ThrowIfNull(estimator);
        lock (_lock)
        {
            var index = Array.IndexOf(_estimators, estimator);
            if (index < 0)
            {
                return false;
            }

            var next = new RateEstimator[_estimators.Length - 1];
            Array.Copy(_estimators, 0, next, 0, index);
            Array.Copy(_estimators, index + 1, next, index, next.Length - index);
            Volatile.Write(ref _estimators, next);
            return true;
        }
    }

    /// <summary>One estimation step for every registered estimator (the timer calls this; tests and hosts may too).</summary>
    public void TickAll()
    {
        foreach (var estimator in Volatile.Read(ref _estimators))
        {
            estimator.Tick();
        }
    }

    public void Dispose()
    {
        ITimer? timer;
        lock (_lock)
        {
            _disposed = true;
            timer = _timer;
            _timer = null;
        }

        timer?.Dispose();
    }
}
