using System.Runtime.InteropServices;
using LvsDirector.Configuration;
using LvsDirector.Io;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>Reloads on SIGHUP and finishes drains of removed real servers once a second.</summary>
internal sealed class ReloadHostedService : BackgroundService
{
    private static readonly TimeSpan DrainInterval = TimeSpan.FromSeconds(1);

    private readonly ConfigurationReloader _reloader;
    private readonly ConfigurationReconciler _reconciler;
    private readonly ILogger<ReloadHostedService> _logger;
    private PosixSignalRegistration? _sighup;

    public ReloadHostedService(ConfigurationReloader reloader, ConfigurationReconciler reconciler, ILogger<ReloadHostedService> logger)
    {
        _reloader = reloader;
        _reconciler = reconciler;
        _logger = logger;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // An inherited ignore would make the registration below a silent no-op: reloads by SIGHUP (systemctl reload,
        // kill -HUP) would do nothing. Taken back just before registering, so the default action (exit) is in force
        // for microseconds only.
        if (InheritedSignalDisposition.RestoreDefaultIfIgnored(PosixSignal.SIGHUP))
        {
            _logger.SighupWasIgnored();
        }

        _sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            // Cancel: SIGHUP's default action would end the process.
            context.Cancel = true;
            _ = Task.Run(() => _reloader.ReloadAsync("SIGHUP", CancellationToken.None));
        });
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _sighup?.Dispose();
        _sighup = null;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    public override void Dispose()
    {
        _sighup?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(DrainInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var change in _reconciler.ProcessDrains())
                {
                    _logger.ServerDrained(change);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }
}
