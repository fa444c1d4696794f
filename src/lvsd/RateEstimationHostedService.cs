using LvsDirector.DataPath;
using LvsDirector.Statistics;
using Microsoft.Extensions.Hosting;

namespace LvsDirector.Daemon;

/// <summary>
/// Ticks the rate estimator of every service and real server every 2 seconds, as the kernel's estimation
/// timer does. Removed services and servers simply stop being ticked.
/// </summary>
internal sealed class RateEstimationHostedService : BackgroundService
{
    private readonly Director _director;
    private readonly TimeProvider _time;
    private int _passes;

    public RateEstimationHostedService(Director director, TimeProvider time)
    {
        _director = director;
        _time = time;
    }

    /// <summary>Completed estimation passes over the service table, so a test can step the clock one pass at a time.</summary>
    internal int Passes => Volatile.Read(ref _passes);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RateEstimator.Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                foreach (var service in _director.Services.Current.Services)
                {
                    service.Stats.Rates.Tick();
                    foreach (var server in service.Servers)
                    {
                        server.Stats.Rates.Tick();
                    }
                }

                Interlocked.Increment(ref _passes);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
