using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>
/// Tells systemd READY=1 once every hosted service has started (ApplicationStarted fires after the last one)
/// and STOPPING=1 as soon as shutdown begins.
/// </summary>
internal sealed class SystemdNotifyHostedService : IHostedService, IDisposable
{
    private readonly SystemdNotifier _notifier;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ILogger<SystemdNotifyHostedService> _logger;
    private readonly List<CancellationTokenRegistration> _registrations = [];

    public SystemdNotifyHostedService(SystemdNotifier notifier, IHostApplicationLifetime lifetime, ILogger<SystemdNotifyHostedService> logger)
    {
        _notifier = notifier;
        _lifetime = lifetime;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_notifier.IsEnabled)
        {
            _registrations.Add(_lifetime.ApplicationStarted.Register(() => Send("READY=1")));
            _registrations.Add(_lifetime.ApplicationStopping.Register(() => Send("STOPPING=1")));
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

    private void Send(string state)
    {
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
