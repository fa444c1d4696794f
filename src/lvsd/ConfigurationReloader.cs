using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using LvsDirector.Configuration;
using LvsDirector.Health;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>
/// Re-reads the file lvsd was started with, resolved with the same command line flags, and has the reconciler
/// apply the difference. SIGHUP and lvsadm --reload both come here; one reload runs at a time.
/// </summary>
internal sealed class ConfigurationReloader : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConfigurationReconciler _reconciler;
    private readonly ReloadSource _source;
    private readonly SystemdNotifier _notifier;
    private readonly ILogger<ConfigurationReloader> _logger;
    private readonly HealthSupervisor? _health;

    public ConfigurationReloader(ConfigurationReconciler reconciler, ReloadSource source, SystemdNotifier notifier, ILogger<ConfigurationReloader> logger, HealthSupervisor? health = null)
    {
        _health = health;
        _reconciler = reconciler;
        _source = source;
        _notifier = notifier;
        _logger = logger;
    }

    /// <param name="trigger">"SIGHUP" or "lvsadm", for the log.</param>
    public async Task<ReloadResult> ReloadAsync(string trigger, CancellationToken ct)
    {
        if (_source.ConfigPath is not { } path)
        {
            var error = "lvsd was started without a configuration file; there is nothing to reload";
            _logger.ReloadError(error);
            _logger.ReloadRefused(1);
            return ReloadResult.Refused([error]);
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _logger.ReloadRequested(trigger, path);
            Notify(string.Create(CultureInfo.InvariantCulture, $"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds()}"));
            var result = Reload();
            Log(result);
            Notify("READY=1");
            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private ReloadResult Reload()
    {
        var resolved = _source.Resolve();
        if (resolved.Configuration is not { } configuration)
        {
            var errors = resolved.Errors.Select(e => e.ToString()).ToList();
            if (resolved.UsageError is { } usage)
            {
                errors.Add(usage);
            }

            return ReloadResult.Refused(errors);
        }

        var result = _reconciler.Apply(configuration);

        // Partly applied counts too: the table now lists what the file says, so the checks follow the file.
        if (_health is not null && (result.Applied || result.Changes.Count > 0))
        {
            var checks = _health.Apply(ConfigurationApplier.HealthChecks(_reconciler.Applied));
            result = result with { Changes = [.. result.Changes, .. checks] };
        }

        return result;
    }

    private void Log(ReloadResult result)
    {
        foreach (var change in result.Changes)
        {
            _logger.ReloadChange(change);
        }

        foreach (var warning in result.Warnings)
        {
            _logger.ReloadNeedsRestart(warning);
        }

        foreach (var error in result.Errors)
        {
            _logger.ReloadError(error);
        }

        if (result.Applied)
        {
            _logger.ReloadApplied(result.Changes.Count);
        }
        else if (result.Changes.Count == 0)
        {
            _logger.ReloadRefused(result.Errors.Count);
        }
        else
        {
            _logger.ReloadPartial(result.Errors.Count, result.Changes.Count);
        }
    }

    private void Notify(string state)
    {
        try
        {
            _notifier.Notify(state);
        }
        catch (SocketException ex)
        {
            _logger.ReloadNotifyFailed(state, ex);
        }
    }

    // systemd's Type=notify-reload wants CLOCK_MONOTONIC, which Stopwatch reads on Linux.
    private static long MonotonicMicroseconds() => (long)(Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1_000_000.0));
}
