using LvsDirector.Services;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Health;

/// <summary>
/// Runs one <see cref="HealthMonitor"/> per checked real server and writes their transitions to the service table.
/// <see cref="Apply"/> takes the whole configured set each time (start-up and every reload): an unchanged check
/// keeps its monitor and state, a changed one is restarted from its initial state, a vanished one is stopped, and a
/// server whose check was removed is brought up.
/// </summary>
public sealed class HealthSupervisor : IHealthObserver, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<HealthMonitorKey, HealthMonitor> _monitors = [];
    private readonly List<Task> _stopping = [];
    private readonly ServiceTable _table;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<HealthCheckType, IHealthChecker> _checkers;
    private readonly Random _random;
    private bool _stopped;

    /// <param name="table">Where health states go.</param>
    /// <param name="time">Clock for intervals and timeouts.</param>
    /// <param name="logger">Transitions are logged here.</param>
    /// <param name="checkers">Checker per type; <see cref="HealthCheckers.For"/> when null.</param>
    /// <param name="random">Jitter of the first check; a shared random when null.</param>
    public HealthSupervisor(ServiceTable table, TimeProvider time, ILogger<HealthSupervisor>? logger = null, Func<HealthCheckType, IHealthChecker>? checkers = null, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(time);
        _table = table;
        _time = time;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _checkers = checkers ?? HealthCheckers.For;
        _random = random ?? Random.Shared;
    }

    /// <summary>Monitors running.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _monitors.Count;
            }
        }
    }

    /// <summary>The monitor of a server, if it has one.</summary>
    public HealthMonitor? Find(HealthMonitorKey key)
    {
        lock (_gate)
        {
            return _monitors.GetValueOrDefault(key);
        }
    }

    /// <summary>Makes the running monitors match <paramref name="assignments"/>; see the class remarks.</summary>
    /// <returns>One line per monitor started, restarted or stopped, for the reload log.</returns>
    public IReadOnlyList<string> Apply(IEnumerable<HealthCheckAssignment> assignments)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        var changes = new List<string>();
        lock (_gate)
        {
            if (_stopped)
            {
                return changes;
            }

            var wanted = new Dictionary<HealthMonitorKey, HealthCheckTarget?>();
            foreach (var a in assignments)
            {
                wanted[new HealthMonitorKey(a.Service, a.Address, a.Port)] = a.Target;
            }

            foreach (var (key, monitor) in _monitors.ToList())
            {
                var found = wanted.TryGetValue(key, out var target);
                if (found && target == monitor.Target)
                {
                    continue;
                }

                _monitors.Remove(key);
                _stopping.Add(monitor.StopAsync());
                HealthLog.MonitorStopped(_logger, key.ServerText, key.Service);
                if (found && target is null)
                {
                    SetLocked(key, true, "health check removed");
                }

                if (!found || target is null)
                {
                    changes.Add($"health check of real server {key.ServerText} of service {key.Service} stopped");
                }
            }

            foreach (var (key, target) in wanted)
            {
                if (target is null || _monitors.ContainsKey(key))
                {
                    continue;
                }

                var checker = _checkers(target.Settings.Type);
                changes.Add($"health check of real server {key.ServerText} of service {key.Service} started: {checker.Describe(target)} every {HealthCheckText.Duration(target.Settings.Interval)}");
                var firstDelay = TimeSpan.FromTicks((long)(_random.NextDouble() * target.Settings.Interval.Ticks));
                var monitor = new HealthMonitor(target, checker, _time, firstDelay, this);
                _monitors.Add(key, monitor);
                SetLocked(key, target.Settings.InitiallyUp, "initial state of a new or changed health check");
                var what = checker.Describe(target);
                var every = HealthCheckText.Duration(target.Settings.Interval);
                HealthLog.MonitorStarted(_logger, key.ServerText, key.Service, what, every);
                monitor.Start();
            }

            _stopping.RemoveAll(t => t.IsCompleted);
        }

        return changes;
    }

    /// <summary>Stops every monitor and waits for checks in flight to end.</summary>
    public async Task StopAsync()
    {
        List<Task> tasks;
        lock (_gate)
        {
            _stopped = true;
            tasks = [.. _stopping, .. _monitors.Values.Select(m => m.StopAsync())];
            _monitors.Clear();
            _stopping.Clear();
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    void IHealthObserver.OnChecked(HealthMonitor monitor, HealthCheckResult result)
    {
        if (KeyOf(monitor) is { } key)
        {
            _table.CountHealthCheck(key.Service, key.Address, key.Port, result.Passed);
        }
    }

    void IHealthObserver.OnTransition(HealthMonitor monitor, HealthTransition transition)
    {
        lock (_gate)
        {
            // A monitor stopped by a reload may finish one last check; only the current monitor speaks for a server.
            if (KeyOfLocked(monitor) is not { } key)
            {
                return;
            }

            if (_table.SetServerHealth(key.Service, key.Address, key.Port, transition.Up, out var changed) != ServiceTableError.None || !changed)
            {
                return;
            }

            if (transition.Up)
            {
                HealthLog.ServerUp(_logger, key.ServerText, key.Service, transition.Reason, transition.Count, transition.Threshold);
            }
            else
            {
                HealthLog.ServerDown(_logger, key.ServerText, key.Service, transition.Reason, transition.Count, transition.Threshold);
            }
        }
    }

    private HealthMonitorKey? KeyOf(HealthMonitor monitor)
    {
        lock (_gate)
        {
            return KeyOfLocked(monitor);
        }
    }

    private HealthMonitorKey? KeyOfLocked(HealthMonitor monitor)
    {
        foreach (var (key, m) in _monitors)
        {
            if (ReferenceEquals(m, monitor))
            {
                return key;
            }
        }

        return null;
    }

    private void SetLocked(HealthMonitorKey key, bool up, string reason)
    {
        if (_table.SetServerHealth(key.Service, key.Address, key.Port, up, out var changed) == ServiceTableError.None && changed)
        {
            HealthLog.ServerSet(_logger, key.ServerText, key.Service, up ? "up" : "down", reason);
        }
    }
}
