using LvsDirector.Configuration;
using LvsDirector.Health;
using Microsoft.Extensions.Hosting;

namespace LvsDirector.Daemon;

/// <summary>
/// Starts the health monitors of the configured real servers once the director runs, and stops them first at
/// shutdown. Reloads hand the new set to the same <see cref="HealthSupervisor"/> (see <see cref="ConfigurationReloader"/>).
/// </summary>
internal sealed class HealthCheckHostedService : IHostedService
{
    private readonly HealthSupervisor _supervisor;
    private readonly DirectorConfiguration _configuration;

    public HealthCheckHostedService(HealthSupervisor supervisor, DirectorConfiguration configuration)
    {
        _supervisor = supervisor;
        _configuration = configuration;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _supervisor.Apply(ConfigurationApplier.HealthChecks(_configuration));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _supervisor.StopAsync();
}
