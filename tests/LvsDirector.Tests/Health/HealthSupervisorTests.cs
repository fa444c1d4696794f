using System.Net;
using LvsDirector.Health;
using LvsDirector.Services;
using LvsDirector.Tests.Statistics;

namespace LvsDirector.Tests.Health;

public sealed class HealthSupervisorTests
{
    private static readonly ServiceKey Web = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.10"), 80);
    private static readonly IPAddress One = IPAddress.Parse("198.18.1.11");
    private static readonly IPAddress Two = IPAddress.Parse("198.18.1.12");

    private static readonly HealthCheckSettings Check = new(HealthCheckType.Tcp)
    {
        Interval = TimeSpan.FromSeconds(2),
        RetryInterval = TimeSpan.FromSeconds(1),
        Fall = 2,
    };

    private static ServiceTable Table()
    {
        var table = new ServiceTable();
        table.AddService(new VirtualServiceSpec(Web, "rr"));
        table.AddRealServer(Web, new RealServerSpec(One, 8080, 4, ForwardingMethod.Masquerade));
        table.AddRealServer(Web, new RealServerSpec(Two, 8080, 4, ForwardingMethod.Masquerade));
        return table;
    }

    private static HealthCheckAssignment Assign(IPAddress address, HealthCheckSettings? settings) =>
        new(Web, address, 8080, settings is null ? null : new HealthCheckTarget(address, settings.PortFor(8080, 80), settings));

    private static async Task Until(ManualTimeProvider time, Func<bool> condition, int maxSeconds = 30)
    {
        for (var i = 0; i < maxSeconds && !condition(); i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(2);
            while (!condition() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
        }

        Assert.True(condition());
    }

    private static RealServer Server(ServiceTable table, IPAddress address) =>
        table.Current.Services[0].Servers.Single(s => s.IPAddress.Equals(address) && !s.IsSorryServer);

    [Fact]
    public async Task Transitions_reach_the_table_and_counters()
    {
        var time = new ManualTimeProvider();
        var table = Table();
        var checker = new ScriptedChecker(time, false);
        await using var supervisor = new HealthSupervisor(table, time, checkers: _ => checker, random: new Random(1));
        supervisor.Apply([Assign(One, Check), Assign(Two, null)]);
        Assert.Equal(1, supervisor.Count);

        await Until(time, () => Server(table, One).IsDown);
        Assert.Equal(0, Server(table, One).Weight);
        Assert.Equal(4, Server(table, One).ConfiguredWeight);
        Assert.Equal(2, Server(table, One).HealthChecksFailed);
        Assert.False(Server(table, Two).IsDown);

        checker.Script(true);
        await Until(time, () => !Server(table, One).IsDown);
        Assert.Equal(4, Server(table, One).Weight);
    }

    [Fact]
    public async Task Reload_keeps_unchanged_monitors_restarts_changed_ones_and_stops_removed_ones()
    {
        var time = new ManualTimeProvider();
        var table = Table();
        var checker = new ScriptedChecker(time, false);
        await using var supervisor = new HealthSupervisor(table, time, checkers: _ => checker, random: new Random(1));
        supervisor.Apply([Assign(One, Check), Assign(Two, Check)]);
        var first = supervisor.Find(new HealthMonitorKey(Web, One, 8080));
        await Until(time, () => Server(table, One).IsDown && Server(table, Two).IsDown);

        // Unchanged block: same monitor, still down. Changed block: new monitor from its initial state (up).
        var changes = supervisor.Apply([Assign(One, Check with { }), Assign(Two, Check with { Fall = 5 })]);
        Assert.Equal(["health check of real server 198.18.1.12:8080 of service TCP 198.18.0.10:80 started: scripted check of 198.18.1.12:8080 every 2 s"], changes);
        Assert.Same(first, supervisor.Find(new HealthMonitorKey(Web, One, 8080)));
        Assert.True(Server(table, One).IsDown);
        Assert.False(Server(table, Two).IsDown);

        // Check removed from a listed server: monitor stopped, server up. Server no longer listed: monitor stopped.
        Assert.Equal(2, supervisor.Apply([Assign(One, null)]).Count(c => c.EndsWith(" stopped", StringComparison.Ordinal)));
        Assert.Equal(0, supervisor.Count);
        Assert.False(Server(table, One).IsDown);
    }

    [Fact]
    public async Task Initially_down_servers_start_down_and_bring_the_sorry_server_in()
    {
        var time = new ManualTimeProvider();
        var table = Table();
        table.SetSorryServer(Web, new RealServerSpec(IPAddress.Parse("198.18.1.99"), 8080, 1, ForwardingMethod.Masquerade));
        var checker = new ScriptedChecker(time, false);
        await using var supervisor = new HealthSupervisor(table, time, checkers: _ => checker, random: new Random(1));
        var alpha = Check with { InitiallyUp = false };

        supervisor.Apply([Assign(One, alpha), Assign(Two, alpha)]);
        Assert.True(Server(table, One).IsDown);
        Assert.Contains(table.Current.Services[0].Servers, s => s.IsSorryServer);

        checker.Script(true);
        await Until(time, () => !Server(table, One).IsDown);
        Assert.DoesNotContain(table.Current.Services[0].Servers, s => s.IsSorryServer);
    }
}
