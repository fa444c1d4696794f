using LvsDirector.Configuration;
using LvsDirector.DataPath;
using LvsDirector.Services;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>
/// Loads the configured services into the director's table, then starts the data path. Any refused service
/// aborts start-up: running with part of the configuration would look healthy while serving the wrong thing.
/// </summary>
internal sealed class DirectorHostedService : IHostedService
{
    private readonly Director _director;
    private readonly DirectorConfiguration _configuration;
    private readonly ILogger<DirectorHostedService> _logger;
    private bool _started;

    public DirectorHostedService(Director director, DirectorConfiguration configuration, ILogger<DirectorHostedService> logger)
    {
        _director = director;
        _configuration = configuration;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var failures = ConfigurationApplier.ApplyServices(_configuration, _director.Services);
        if (failures.Count > 0)
        {
            foreach (var failure in failures)
            {
                _logger.ApplyFailed(failure.ToString());
            }

            throw new InvalidOperationException($"{failures.Count} configured service(s) or real server(s) could not be added; see the errors above.");
        }

        foreach (var service in _configuration.Services)
        {
            var name = Describe(service.Key);
            _logger.ServiceAdded(name, service.Scheduler, service.Interface ?? "(automatic)", service.RealServers.Count);
            if (_logger.IsEnabled(LogLevel.Debug))
            {
                foreach (var server in service.RealServers)
                {
                    _logger.RealServerAdded(name, $"{server.Address}:{server.Port}", server.Weight, MethodName(server.Method));
                }
            }
        }

        foreach (var configured in _configuration.Interfaces)
        {
            if (configured.Addresses.Count > 0)
            {
                _director.UseInterfaceAddresses(configured.Name, configured.Addresses.Select(a => (a.Address, a.PrefixLength)));
            }
        }

        _logger.DirectorStarting(_configuration.Interfaces.Count, _configuration.Services.Count);
        _director.Start();
        _started = true;
        _logger.DirectorStarted();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_started)
        {
            return Task.CompletedTask;
        }

        _logger.DirectorStopping();
        try
        {
            _director.Stop();
            _logger.DirectorStopped();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Shutdown must go on (other services, the notify message, the log flush) even if the data path balks.
            _logger.DirectorStopFailed(ex);
        }

        _started = false;
        return Task.CompletedTask;
    }

    internal static string Describe(ServiceKey key) => key.ToString();

    private static string MethodName(ForwardingMethod method) => method switch
    {
        ForwardingMethod.Masquerade => "Masq",
        ForwardingMethod.Tunnel => "Tunnel",
        _ => "Route",
    };
}
