using LvsDirector.Configuration;
using LvsDirector.Daemon;
using LvsDirector.DataPath;
using LvsDirector.Health;
using LvsDirector.Tests.Statistics;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Daemon;

public sealed class HealthReloadTests : IDisposable
{
    private const string Initial =
        """
        interfaces: [eth0]
        connections: { table_size: 4096 }
        services:
          - protocol: tcp
            address: 198.18.0.10
            port: 80
            real_servers:
              - { address: 198.18.1.11, method: masq }
              - { address: 198.18.1.12, method: masq }
        """;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lvsd-health-reload-{Guid.NewGuid():N}.yaml");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task A_reload_hands_the_new_checks_to_the_supervisor_and_reports_them()
    {
        File.WriteAllText(_path, Initial);
        var options = new CommandLineOptions { ConfigPath = _path };
        var configuration = DaemonConfigurationResolver.Resolve(options, File.Exists).Configuration!;
        using var director = new Director(ConfigurationApplier.ToSettings(configuration), NullLoggerFactory.Instance, TimeProvider.System);
        Assert.Empty(ConfigurationApplier.ApplyServices(configuration, director.Services));
        var time = new ManualTimeProvider();
        await using var supervisor = new HealthSupervisor(director.Services, time);
        supervisor.Apply(ConfigurationApplier.HealthChecks(configuration));
        Assert.Equal(0, supervisor.Count);
        using var reloader = new ConfigurationReloader(
            new ConfigurationReconciler(director.Services, configuration, time),
            new ReloadSource(_path, () => DaemonConfigurationResolver.Resolve(options, File.Exists)),
            new SystemdNotifier(null),
            NullLogger<ConfigurationReloader>.Instance,
            supervisor);

        File.WriteAllText(_path, Initial.Replace("    real_servers:", "    health_check: { type: tcp, initial: down }\n    real_servers:", StringComparison.Ordinal));
        var result = await reloader.ReloadAsync("test", CancellationToken.None);

        Assert.True(result.Applied, string.Join("\n", result.Errors));
        Assert.Equal(2, supervisor.Count);
        Assert.Equal(2, result.Changes.Count(c => c.StartsWith("health check of real server ", StringComparison.Ordinal)));
        Assert.All(director.Services.Current.Services[0].Servers, s => Assert.True(s.IsDown));
    }
}
