using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>
/// Every state change lvsd reports to systemd (sd_notify(3) messages). The reload code calls
/// <see cref="Reloading"/> when a reload begins and <see cref="Ready"/> when it is done, as Type=notify-reload
/// and Type=notify with ExecReload expect. A failed send is logged, never thrown: systemd being gone must not
/// stop the director.
/// </summary>
internal sealed class SystemdNotifications
{
    private readonly SystemdNotifier _notifier;
    private readonly Func<string?> _status;
    private readonly ILogger _logger;

    /// <param name="status">Current STATUS= text, or null for none.</param>
    public SystemdNotifications(SystemdNotifier notifier, Func<string?> status, ILogger<SystemdNotifications> logger)
    {
        _notifier = notifier;
        _status = status;
        _logger = logger;
    }

    public bool IsEnabled => _notifier.IsEnabled;

    /// <summary>READY=1 plus the current status: start-up or a reload finished.</summary>
    public void Ready() => Send(WithStatus("READY=1"));

    /// <summary>RELOADING=1 with MONOTONIC_USEC, which systemd requires to match the reload to its request.</summary>
    public void Reloading() => Send($"RELOADING=1\nMONOTONIC_USEC={SystemdNotifier.MonotonicMicroseconds()}");

    public void Stopping() => Send("STOPPING=1");

    public void Watchdog() => Send("WATCHDOG=1");

    /// <summary>Refreshes the STATUS= line (systemctl status shows it).</summary>
    public void UpdateStatus()
    {
        if (_status() is { } status)
        {
            Send("STATUS=" + status);
        }
    }

    private string WithStatus(string state) => _status() is { } status ? $"{state}\nSTATUS={status}" : state;

    private void Send(string state)
    {
        if (!_notifier.IsEnabled)
        {
            return;
        }

        try
        {
            _notifier.Notify(state);
            _logger.SystemdNotified(state);
        }
        catch (SocketException ex)
        {
            _logger.SystemdNotifyFailed(state, ex);
        }
    }
}
