using Microsoft.Extensions.Hosting;

namespace LvsDirector.Daemon;

/// <summary>
/// Tells systemd READY=1 (with STATUS=) once every hosted service has started (ApplicationStarted fires after
/// the last one, so the director and the control socket are up) and STOPPING=1 as soon as shutdown begins.
/// </summary>
internal sealed class SystemdNotifyHostedService : IHostedService, IDisposable
{
    private readonly SystemdNotifications _notifications;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly List<CancellationTokenRegistration> _registrations = [];

    public SystemdNotifyHostedService(SystemdNotifications notifications, IHostApplicationLifetime lifetime)
    {
        _notifications = notifications;
        _lifetime = lifetime;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_notifications.IsEnabled)
        {
            _registrations.Add(_lifetime.ApplicationStarted.Register(_notifications.Ready));
            _registrations.Add(_lifetime.ApplicationStopping.Register(_notifications.Stopping));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }
}
