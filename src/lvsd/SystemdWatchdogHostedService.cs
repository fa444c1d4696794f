using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>
/// WATCHDOG=1 every half of $WATCHDOG_USEC (sd_watchdog_enabled(3) advice), but only while the packet worker
/// lives: a director whose data path died stops pinging, and systemd restarts it (Restart=on-failure covers
/// watchdog timeouts). Each ping also refreshes STATUS=.
/// </summary>
internal sealed class SystemdWatchdogHostedService : IHostedService, IDisposable
{
    private readonly SystemdNotifications _notifications;
    private readonly TimeSpan? _timeout;
    private readonly Func<bool> _workerAlive;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private ITimer? _timer;
    private bool _withheld;

    public SystemdWatchdogHostedService(
        SystemdNotifications notifications,
        TimeSpan? timeout,
        Func<bool> workerAlive,
        TimeProvider time,
        ILogger<SystemdWatchdogHostedService> logger)
    {
        _notifications = notifications;
        _timeout = timeout;
        _workerAlive = workerAlive;
        _time = time;
        _logger = logger;
    }

    public TimeSpan? Interval => _timeout is { } timeout ? timeout / 2 : null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interval is { } interval && _notifications.IsEnabled)
        {
            _logger.WatchdogEnabled(_timeout!.Value, interval);
            lock (_lock)
            {
                _timer = _time.CreateTimer(_ => Tick(), null, interval, interval);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }

        return Task.CompletedTask;
    }

    public void Dispose() => StopAsync(CancellationToken.None);

    /// <summary>One watchdog period: ping when the worker lives, otherwise stay silent (logged once).</summary>
    internal void Tick()
    {
        if (!_workerAlive())
        {
            if (!_withheld)
            {
                _withheld = true;
                _logger.WatchdogWithheld();
            }

            return;
        }

        if (_withheld)
        {
            _withheld = false;
            _logger.WatchdogResumed();
        }

        _notifications.Watchdog();
        _notifications.UpdateStatus();
    }
}
