namespace LvsDirector.Health;

/// <summary>
/// Checks one real server for as long as it runs: waits <c>firstDelay</c> (jitter, so a thousand servers do not fire
/// together), then checks with the settings' timeout, waiting <see cref="HealthCheckSettings.Interval"/> after a passed
/// check and <see cref="HealthCheckSettings.RetryInterval"/> after a failed one. All waiting goes through the
/// <see cref="TimeProvider"/>, so tests drive it on virtual time.
/// </summary>
public sealed class HealthMonitor : IAsyncDisposable
{
    private readonly IHealthChecker _checker;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstDelay;
    private readonly IHealthObserver _observer;
    private readonly HealthStateMachine _state;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _checks;
    private int _stopped;

    public HealthMonitor(HealthCheckTarget target, IHealthChecker checker, TimeProvider time, TimeSpan firstDelay, IHealthObserver observer)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(checker);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(observer);
        Target = target;
        _checker = checker;
        _time = time;
        _firstDelay = firstDelay < TimeSpan.Zero ? TimeSpan.Zero : firstDelay;
        _observer = observer;
        _state = new HealthStateMachine(target.Settings.Rise, target.Settings.Fall, target.Settings.InitiallyUp);
    }

    public HealthCheckTarget Target { get; }

    public bool IsUp => _state.IsUp;

    /// <summary>Checks run so far.</summary>
    public long Checks => Interlocked.Read(ref _checks);

    public void Start() => _loop = RunAsync(_stop.Token);

    /// <summary>Stops checking; a check in flight is cancelled and its result dropped.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The normal way out of the loop.
        }
        finally
        {
            _stop.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>One check with the timeout applied; a timeout or an unexpected error is a failed check.</summary>
    public async Task<HealthCheckResult> CheckOnceAsync(CancellationToken stopping)
    {
        var timeout = Target.Settings.Timeout;
        using var deadline = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, deadline.Token);
        try
        {
            return await _checker.CheckAsync(Target, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return HealthCheckResult.Fail($"{_checker.Describe(Target)} timed out after {HealthCheckText.Duration(timeout)}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            return HealthCheckResult.Fail($"{_checker.Describe(Target)} failed: {ex.Message}");
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var delay = _firstDelay;
        while (true)
        {
            await Task.Delay(delay, _time, stopping).ConfigureAwait(false);
            var result = await CheckOnceAsync(stopping).ConfigureAwait(false);
            stopping.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _checks);
            _observer.OnChecked(this, result);
            if (_state.Record(result.Passed))
            {
                _observer.OnTransition(this, result.Passed
                    ? new HealthTransition(true, result.Reason, _state.ConsecutivePassed, Target.Settings.Rise)
                    : new HealthTransition(false, result.Reason, _state.ConsecutiveFailed, Target.Settings.Fall));
            }

            delay = result.Passed ? Target.Settings.Interval : Target.Settings.RetryInterval;
        }
    }
}
