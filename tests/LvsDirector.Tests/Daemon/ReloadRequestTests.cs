using LvsDirector.Configuration;
using LvsDirector.Control;
using LvsDirector.Daemon;
using LvsDirector.DataPath;
using LvsDirector.Health;
using LvsDirector.Tests.Statistics;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Daemon;

public sealed class ReloadRequestTests : IDisposable
{
    private const string Initial =
        """
        interfaces: [eth0]
        connections: { table_size: 4096 }
        services:
          - protocol: tcp
            address: 198.18.0.10
            port: 80
            scheduler: rr
            real_servers:
              - { address: 198.18.1.11, weight: 1, method: masq }
              - { address: 198.18.1.12, weight: 1, method: masq }
        """;

    private readonly string _path = Path.Combine(Path.GetTempPath(), $"lvsd-reload-{Guid.NewGuid():N}.yaml");

    public void Dispose() => File.Delete(_path);

    private (DirectorControlHandler Handler, Director Director, ConfigurationReloader Reloader) Start(string text, string? configPath, Func<Director, HealthSupervisor>? health = null)
    {
        File.WriteAllText(_path, text);
        var options = new CommandLineOptions { ConfigPath = _path };
        var resolved = DaemonConfigurationResolver.Resolve(options, File.Exists);
        var configuration = resolved.Configuration!;
        var director = new Director(ConfigurationApplier.ToSettings(configuration), NullLoggerFactory.Instance, TimeProvider.System);
        Assert.Empty(ConfigurationApplier.ApplyServices(configuration, director.Services));
        var reconciler = new ConfigurationReconciler(director.Services, configuration, TimeProvider.System);
        var reloader = new ConfigurationReloader(
            reconciler,
            new ReloadSource(configPath, () => DaemonConfigurationResolver.Resolve(options, File.Exists)),
            new SystemdNotifier(null),
            NullLogger<ConfigurationReloader>.Instance,
            health?.Invoke(director));
        return (new DirectorControlHandler(director, reloader), director, reloader);
    }

    private static ControlResponse Send(DirectorControlHandler handler, ControlRequest request) =>
        handler.HandleAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [Fact]
    public void Reload_request_applies_the_rewritten_file()
    {
        var (handler, director, reloader) = Start(Initial, _path);
        using (reloader)
        {
            var server = director.Services.Current.Services[0].Servers[0];
            File.WriteAllText(_path, Initial.Replace("scheduler: rr", "scheduler: wrr", StringComparison.Ordinal)
                .Replace("198.18.1.11, weight: 1", "198.18.1.11, weight: 4", StringComparison.Ordinal));

            var response = Send(handler, new ReloadRequest());

            Assert.True(response.Ok, response.Message);
            var listing = Send(handler, new ListRequest()).Listing!;
            var service = Assert.Single(listing.Services);
            Assert.Equal("wrr", service.Scheduler);
            Assert.Equal(4, service.Servers.Single(s => s.Address == "198.18.1.11").Weight);
            Assert.Same(server, director.Services.Current.Services[0].Servers[0]);
        }
    }

    [Fact]
    public void Reload_request_with_a_broken_file_fails_with_every_error_and_keeps_the_table()
    {
        var (handler, director, reloader) = Start(Initial, _path);
        using (reloader)
        {
            var before = director.Services.Current;
            File.WriteAllText(_path, Initial.Replace("scheduler: rr", "scheduler: nosuch", StringComparison.Ordinal)
                .Replace("weight: 1", "weight: -3", StringComparison.Ordinal));

            var response = Send(handler, new ReloadRequest());

            Assert.False(response.Ok);
            Assert.Equal(ControlError.InvalidArgument, response.Error);
            var lines = response.Message!.Split('\n');
            Assert.True(lines.Length >= 3, response.Message);
            Assert.All(lines, l => Assert.StartsWith(_path + ":", l, StringComparison.Ordinal));
            Assert.Same(before, director.Services.Current);
        }
    }

    [Fact]
    public void Reload_without_a_configuration_file_is_refused()
    {
        var (handler, _, reloader) = Start(Initial, null);
        using (reloader)
        {
            var response = Send(handler, new ReloadRequest());

            Assert.False(response.Ok);
            Assert.Contains("without a configuration file", response.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Reload_request_round_trips_on_the_wire()
    {
        var bytes = ControlMessageCodec.SerializeRequest(new ReloadRequest());
        Assert.IsType<ReloadRequest>(ControlMessageCodec.DeserializeRequest(bytes));
        Assert.Contains("reload", ControlMessageCodec.KnownCommands);
    }

    [Fact]
    public async Task A_reload_hands_the_new_checks_to_the_health_supervisor_and_reports_them()
    {
        HealthSupervisor? supervisor = null;
        var (_, director, reloader) = Start(Initial, _path, d => supervisor = new HealthSupervisor(d.Services, new ManualTimeProvider()));
        using (reloader)
        {
            await using (supervisor!)
            {
                File.WriteAllText(_path, Initial.Replace("    real_servers:", "    health_check: { type: tcp, initial: down }\n    real_servers:", StringComparison.Ordinal));
                var result = await reloader.ReloadAsync("test", CancellationToken.None);

                Assert.True(result.Applied, string.Join("\n", result.Errors));
                Assert.Equal(2, supervisor!.Count);
                Assert.Equal(2, result.Changes.Count(c => c.StartsWith("health check of real server ", StringComparison.Ordinal)));
                Assert.All(director.Services.Current.Services[0].Servers, s => Assert.True(s.IsDown));
            }
        }
    }
}
