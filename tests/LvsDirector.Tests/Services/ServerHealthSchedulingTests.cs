using System.Net;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.Tests.Services;

public sealed class ServerHealthSchedulingTests
{
    private static readonly ServiceKey Web = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.10"), 80);

    public static TheoryData<string> Schedulers => [.. SchedulerRegistry.Names.Order(StringComparer.Ordinal)];

    private static ServiceTable TableWith(string scheduler, params int[] weights)
    {
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web, scheduler)));
        for (var i = 0; i < weights.Length; i++)
        {
            Assert.Equal(ServiceTableError.None, table.AddRealServer(Web, new RealServerSpec(IPAddress.Parse($"198.18.1.{11 + i}"), 8080, weights[i], ForwardingMethod.Masquerade)));
        }

        return table;
    }

    private static HashSet<string> Pick(ServiceTable table, int count)
    {
        var service = table.Current.Services[0];
        var chosen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            // Varied sources and ports so hashing schedulers spread too.
            var input = new ScheduleInput(0xC6130001u + (uint)(i * 7919), 0xC612000Au, (ushort)(10000 + i), 80, 6);
            if (service.Scheduler.Schedule(in input) is RealServer picked)
            {
                picked.AddActive(1);
                chosen.Add(picked.IPAddress.ToString());
            }
        }

        return chosen;
    }

    [Theory]
    [MemberData(nameof(Schedulers))]
    public void A_down_server_is_never_chosen_and_keeps_its_configured_weight(string scheduler)
    {
        var table = TableWith(scheduler, 3, 3, 3);
        Assert.Equal(ServiceTableError.None, table.SetServerHealth(Web, IPAddress.Parse("198.18.1.12"), 8080, up: false, out var changed));
        Assert.True(changed);

        var down = table.Current.Services[0].Servers[1];
        Assert.True(down.IsDown);
        Assert.Equal(0, down.Weight);
        Assert.Equal(3, down.ConfiguredWeight);
        var chosen = Pick(table, 300);
        Assert.DoesNotContain("198.18.1.12", chosen);
        Assert.NotEmpty(chosen);

        Assert.Equal(ServiceTableError.None, table.SetServerHealth(Web, IPAddress.Parse("198.18.1.12"), 8080, up: true, out changed));
        Assert.True(changed);
        Assert.Equal(3, down.Weight);
        Assert.False(down.IsDown);
    }

    [Fact]
    public void An_edit_while_down_changes_the_configured_weight_only()
    {
        var table = TableWith("wrr", 2, 2);
        table.SetServerHealth(Web, IPAddress.Parse("198.18.1.11"), 8080, up: false, out _);
        Assert.Equal(ServiceTableError.None, table.EditRealServer(Web, new RealServerSpec(IPAddress.Parse("198.18.1.11"), 8080, 7, ForwardingMethod.Masquerade)));

        var server = table.Current.Services[0].Servers[0];
        Assert.Equal(0, server.Weight);
        Assert.Equal(7, server.ConfiguredWeight);
        table.SetServerHealth(Web, IPAddress.Parse("198.18.1.11"), 8080, up: true, out _);
        Assert.Equal(7, server.Weight);
    }

    [Fact]
    public void Setting_the_same_state_again_changes_nothing()
    {
        var table = TableWith("rr", 1);
        var version = table.Current.Version;
        Assert.Equal(ServiceTableError.None, table.SetServerHealth(Web, IPAddress.Parse("198.18.1.11"), 8080, up: true, out var changed));
        Assert.False(changed);
        Assert.Equal(version, table.Current.Version);
        Assert.Equal(ServiceTableError.NoSuchDestination, table.SetServerHealth(Web, IPAddress.Parse("198.18.1.99"), 8080, up: false, out _));
    }

    [Fact]
    public void A_server_added_initially_down_takes_no_connection()
    {
        var table = TableWith("rr", 1);
        table.AddRealServer(Web, new RealServerSpec(IPAddress.Parse("198.18.1.20"), 8080, 5, ForwardingMethod.Masquerade) { InitiallyDown = true });

        var added = table.Current.Services[0].Servers[1];
        Assert.True(added.IsDown);
        Assert.Equal(5, added.ConfiguredWeight);
        Assert.DoesNotContain("198.18.1.20", Pick(table, 20));
    }

    [Fact]
    public void The_sorry_server_serves_only_while_every_real_server_is_down()
    {
        var table = TableWith("wlc", 1, 1);
        var sorry = new RealServerSpec(IPAddress.Parse("198.18.1.99"), 8080, 1, ForwardingMethod.Masquerade);
        Assert.Equal(ServiceTableError.None, table.SetSorryServer(Web, sorry));
        Assert.Equal(2, table.Current.Services[0].Servers.Count);

        table.SetServerHealth(Web, IPAddress.Parse("198.18.1.11"), 8080, up: false, out _);
        Assert.Equal(2, table.Current.Services[0].Servers.Count);
        table.SetServerHealth(Web, IPAddress.Parse("198.18.1.12"), 8080, up: false, out _);

        var servers = table.Current.Services[0].Servers;
        var inUse = Assert.Single(servers, s => s.IsSorryServer);
        Assert.Equal(IPAddress.Parse("198.18.1.99"), inUse.IPAddress);
        Assert.Equal(1, inUse.Weight);
        Assert.Equal(["198.18.1.99"], Pick(table, 10));

        table.SetServerHealth(Web, IPAddress.Parse("198.18.1.12"), 8080, up: true, out _);
        Assert.DoesNotContain(table.Current.Services[0].Servers, s => s.IsSorryServer);
        Assert.True(inUse.IsRemoved);
        Assert.Equal(["198.18.1.12"], Pick(table, 10));
    }

    [Fact]
    public void A_service_without_real_servers_uses_its_sorry_server_until_one_is_added()
    {
        var table = TableWith("rr");
        table.SetSorryServer(Web, new RealServerSpec(IPAddress.Parse("198.18.1.99"), 8080, 1, ForwardingMethod.Masquerade));
        Assert.True(Assert.Single(table.Current.Services[0].Servers).IsSorryServer);

        table.AddRealServer(Web, new RealServerSpec(IPAddress.Parse("198.18.1.11"), 8080, 1, ForwardingMethod.Masquerade));
        Assert.False(Assert.Single(table.Current.Services[0].Servers).IsSorryServer);

        table.SetSorryServer(Web, null);
        table.SetServerHealth(Web, IPAddress.Parse("198.18.1.11"), 8080, up: false, out _);
        Assert.False(Assert.Single(table.Current.Services[0].Servers).IsSorryServer);
    }

    [Fact]
    public void Health_check_counts_land_on_the_server()
    {
        var table = TableWith("rr", 1);
        Assert.True(table.CountHealthCheck(Web, IPAddress.Parse("198.18.1.11"), 8080, passed: true));
        Assert.True(table.CountHealthCheck(Web, IPAddress.Parse("198.18.1.11"), 8080, passed: false));
        Assert.True(table.CountHealthCheck(Web, IPAddress.Parse("198.18.1.11"), 8080, passed: false));
        Assert.False(table.CountHealthCheck(Web, IPAddress.Parse("198.18.1.12"), 8080, passed: false));

        var server = table.Current.Services[0].Servers[0];
        Assert.Equal(1, server.HealthChecksPassed);
        Assert.Equal(2, server.HealthChecksFailed);
    }
}
