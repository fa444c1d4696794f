using System.Net;
using LvsDirector.Configuration;
using LvsDirector.Services;
using LvsDirector.Tests.Scheduling;

namespace LvsDirector.Tests.Configuration;

public class ConfigurationReconcilerTests
{
    private static readonly ServiceKey Web = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.10"), 80);
    private static readonly ServiceKey Dns = new(ServiceProtocol.Udp, IPAddress.Parse("198.18.0.53"), 53);

    private const string Base =
        """
        interfaces: [eth0]
        services:
          - protocol: tcp
            address: 198.18.0.10
            port: 80
            scheduler: rr
            real_servers:
              - { address: 198.18.1.11, weight: 1, method: masq }
              - { address: 198.18.1.12, weight: 1, method: masq }
              - { address: 198.18.1.13, weight: 1, method: masq }
          - protocol: udp
            address: 198.18.0.53
            port: 53
            scheduler: rr
            real_servers:
              - { address: 198.18.1.21, method: masq }
        """;

    private static DirectorConfiguration Load(string text)
    {
        var result = ConfigurationLoader.LoadFromText(text, "reload.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Configuration;
    }

    private static ConfigurationReconciler Start(string text, out ServiceTable table, out ManualTimeProvider time)
    {
        var configuration = Load(text);
        table = new ServiceTable();
        Assert.Empty(ConfigurationApplier.ApplyServices(configuration, table));
        time = new ManualTimeProvider();
        return new ConfigurationReconciler(table, configuration, time);
    }

    private static VirtualService Service(ServiceTable table, ServiceKey key) =>
        table.Current.Services.Single(s => ServiceTable.SameService(s.Key, key));

    private static RealServer Server(ServiceTable table, ServiceKey key, string address) =>
        Service(table, key).Servers.Single(s => s.IPAddress.Equals(IPAddress.Parse(address)));

    [Fact]
    public void Unchanged_file_changes_nothing_and_keeps_every_object()
    {
        var reconciler = Start(Base, out var table, out _);
        var scheduler = Service(table, Web).Scheduler;
        var server = Server(table, Web, "198.18.1.11");
        server.Stats.AddConnection();
        var version = table.Current.Version;

        var result = reconciler.Apply(Load(Base));

        Assert.True(result.Applied);
        Assert.Empty(result.Changes);
        Assert.Empty(result.Warnings);
        Assert.Equal(version, table.Current.Version);
        Assert.Same(scheduler, Service(table, Web).Scheduler);
        Assert.Same(server, Server(table, Web, "198.18.1.11"));
        Assert.Equal(1, server.Stats.Connections);
    }

    [Fact]
    public void Weight_change_edits_the_server_in_place()
    {
        var reconciler = Start(Base, out var table, out _);
        var server = Server(table, Web, "198.18.1.12");
        var scheduler = Service(table, Web).Scheduler;
        server.Stats.AddConnection();
        server.AddActive(1);

        var result = reconciler.Apply(Load(Base.Replace("198.18.1.12, weight: 1", "198.18.1.12, weight: 5", StringComparison.Ordinal)));

        Assert.True(result.Applied);
        var change = Assert.Single(result.Changes);
        Assert.Contains("198.18.1.12:80", change, StringComparison.Ordinal);
        Assert.Contains("weight 1 -> 5", change, StringComparison.Ordinal);
        Assert.Same(server, Server(table, Web, "198.18.1.12"));
        Assert.Equal(5, server.Weight);
        Assert.Equal(1, server.Stats.Connections);
        Assert.Equal(1, server.ActiveConnections);
        Assert.Same(scheduler, Service(table, Web).Scheduler);
    }

    [Fact]
    public void Scheduler_change_edits_the_service_and_keeps_its_servers()
    {
        var reconciler = Start(Base, out var table, out _);
        var service = Service(table, Web);
        var servers = service.Servers.ToArray();

        var result = reconciler.Apply(Load(Base.Replace("port: 80\n    scheduler: rr", "port: 80\n    scheduler: wrr", StringComparison.Ordinal)));

        Assert.True(result.Applied);
        Assert.Contains("scheduler rr -> wrr", Assert.Single(result.Changes), StringComparison.Ordinal);
        Assert.Same(service, Service(table, Web));
        Assert.Equal("wrr", service.Scheduler.Name);
        Assert.Equal(servers, service.Servers);
        Assert.Equal("rr", Service(table, Dns).Scheduler.Name);
    }

    [Fact]
    public void Added_and_removed_services_and_servers_are_applied()
    {
        var reconciler = Start(Base, out var table, out _);
        var next = Base
            .Replace("      - { address: 198.18.1.13, weight: 1, method: masq }\n", "      - { address: 198.18.1.14, weight: 3, method: masq }\n", StringComparison.Ordinal)
            .Replace("""
                  - protocol: udp
                    address: 198.18.0.53
                """, """
                  - protocol: udp
                    address: 198.18.0.54
                """, StringComparison.Ordinal)
            + "\nreload: { removed_server: delete }\n";

        var result = reconciler.Apply(Load(next));

        Assert.True(result.Applied, string.Join("\n", result.Errors));
        Assert.Equal(5, result.Changes.Count); // UDP service removed, new one added with its server, .13 removed, .14 added
        Assert.DoesNotContain(table.Current.Services, s => ServiceTable.SameService(s.Key, Dns));
        Assert.Contains(table.Current.Services, s => s.Key.Address.Equals(IPAddress.Parse("198.18.0.54")));
        Assert.Equal(["198.18.1.11", "198.18.1.12", "198.18.1.14"], Service(table, Web).Servers.Select(s => s.IPAddress.ToString()));
        Assert.Equal(3, Server(table, Web, "198.18.1.14").Weight);
    }

    [Fact]
    public void Removed_server_drains_until_idle_then_is_deleted()
    {
        var reconciler = Start(Base, out var table, out var time);
        var server = Server(table, Web, "198.18.1.13");
        server.AddActive(1);

        var result = reconciler.Apply(Load(Base.Replace("      - { address: 198.18.1.13, weight: 1, method: masq }\n", string.Empty, StringComparison.Ordinal)));

        Assert.True(result.Applied);
        Assert.Contains("draining", Assert.Single(result.Changes), StringComparison.Ordinal);
        Assert.Same(server, Server(table, Web, "198.18.1.13"));
        Assert.Equal(0, server.Weight);
        Assert.Single(reconciler.Draining);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(reconciler.ProcessDrains());
        Assert.False(server.IsRemoved);

        server.AddActive(-1);
        Assert.Contains("drained and removed", Assert.Single(reconciler.ProcessDrains()), StringComparison.Ordinal);
        Assert.True(server.IsRemoved);
        Assert.Empty(reconciler.Draining);
        Assert.Equal(2, Service(table, Web).Servers.Count);
    }

    [Fact]
    public void Draining_server_is_deleted_at_the_drain_timeout()
    {
        var reconciler = Start(Base + "\nreload: { removed_server: drain, drain_timeout: 60 }\n", out var table, out var time);
        var server = Server(table, Web, "198.18.1.13");
        server.AddInactive(2);

        reconciler.Apply(Load(Base.Replace("      - { address: 198.18.1.13, weight: 1, method: masq }\n", string.Empty, StringComparison.Ordinal)
            + "\nreload: { removed_server: drain, drain_timeout: 60 }\n"));

        time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(reconciler.ProcessDrains());
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains("drain timeout", Assert.Single(reconciler.ProcessDrains()), StringComparison.Ordinal);
        Assert.True(server.IsRemoved);
    }

    [Fact]
    public void Idle_removed_server_is_deleted_by_the_reload_itself()
    {
        var reconciler = Start(Base, out var table, out _);

        var result = reconciler.Apply(Load(Base.Replace("      - { address: 198.18.1.13, weight: 1, method: masq }\n", string.Empty, StringComparison.Ordinal)));

        Assert.Equal(2, result.Changes.Count);
        Assert.Equal(2, Service(table, Web).Servers.Count);
        Assert.Empty(reconciler.Draining);
    }

    [Fact]
    public void Server_listed_again_while_draining_gets_its_weight_back_and_keeps_its_object()
    {
        var reconciler = Start(Base, out var table, out var time);
        var server = Server(table, Web, "198.18.1.13");
        server.AddActive(1);
        server.Stats.AddConnection();
        reconciler.Apply(Load(Base.Replace("      - { address: 198.18.1.13, weight: 1, method: masq }\n", string.Empty, StringComparison.Ordinal)));
        Assert.Equal(0, server.Weight);

        var result = reconciler.Apply(Load(Base));

        Assert.Contains("weight 0 -> 1", Assert.Single(result.Changes), StringComparison.Ordinal);
        Assert.Same(server, Server(table, Web, "198.18.1.13"));
        Assert.Equal(1, server.Weight);
        Assert.Equal(1, server.Stats.Connections);
        Assert.Empty(reconciler.Draining);
        server.AddActive(-1);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(reconciler.ProcessDrains());
        Assert.False(server.IsRemoved);
    }

    [Fact]
    public void Delete_policy_removes_at_once_even_with_connections()
    {
        const string Delete = "\nreload: { removed_server: delete }\n";
        var reconciler = Start(Base + Delete, out var table, out _);
        var server = Server(table, Web, "198.18.1.13");
        server.AddActive(3);

        var result = reconciler.Apply(Load(Base.Replace("      - { address: 198.18.1.13, weight: 1, method: masq }\n", string.Empty, StringComparison.Ordinal) + Delete));

        Assert.Contains("removed", Assert.Single(result.Changes), StringComparison.Ordinal);
        Assert.True(server.IsRemoved);
        Assert.Empty(reconciler.Draining);
    }

    [Fact]
    public void Services_and_servers_added_with_lvsadm_are_kept()
    {
        var reconciler = Start(Base, out var table, out _);
        var extra = new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.99"), 443);
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(extra, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddRealServer(Web, new RealServerSpec(IPAddress.Parse("198.18.1.50"), 80, 1, ForwardingMethod.Masquerade)));

        var result = reconciler.Apply(Load(Base.Replace("198.18.1.12, weight: 1", "198.18.1.12, weight: 2", StringComparison.Ordinal)));

        Assert.Single(result.Changes);
        Assert.Contains(table.Current.Services, s => ServiceTable.SameService(s.Key, extra));
        Assert.Equal(1, Server(table, Web, "198.18.1.50").Weight);
    }

    [Fact]
    public void Invalid_file_is_refused_with_every_error_and_changes_nothing()
    {
        var reconciler = Start(Base, out var table, out _);
        var before = table.Current;
        var broken = Base
            .Replace("198.18.1.12, weight: 1", "198.18.1.12, weight: 70000", StringComparison.Ordinal)
            .Replace("scheduler: rr", "scheduler: nosuch", StringComparison.Ordinal);

        var result = reconciler.Reload(ConfigurationLoader.LoadFromText(broken, "reload.yaml"));

        Assert.False(result.Applied);
        Assert.True(result.Errors.Count >= 2, string.Join("\n", result.Errors));
        Assert.All(result.Errors, e => Assert.StartsWith("reload.yaml:", e, StringComparison.Ordinal));
        Assert.Empty(result.Changes);
        Assert.Same(before, table.Current);
        Assert.Equal(1, Server(table, Web, "198.18.1.12").Weight);
    }

    [Fact]
    public void File_the_table_would_refuse_is_refused_before_anything_changes()
    {
        var reconciler = Start(Base, out var table, out _);
        var before = table.Current;
        var next = Load(Base.Replace("198.18.1.12, weight: 1", "198.18.1.12, weight: 5", StringComparison.Ordinal));
        // A real server the table refuses (thresholds inverted) next to a valid edit: neither may be applied.
        var web = next.Services[0];
        next = next with
        {
            Services = [web with { RealServers = [.. web.RealServers, new RealServerConfiguration(IPAddress.Parse("198.18.1.30"), 80, 1, ForwardingMethod.Masquerade) { UpperThreshold = 1, LowerThreshold = 5 }] }, next.Services[1]],
        };

        var result = reconciler.Apply(next);

        Assert.False(result.Applied);
        Assert.Contains("198.18.1.30", Assert.Single(result.Errors), StringComparison.Ordinal);
        Assert.Same(before, table.Current);
        Assert.Equal(1, Server(table, Web, "198.18.1.12").Weight);
    }

    [Fact]
    public void Start_up_only_settings_are_warned_about_not_applied()
    {
        var reconciler = Start(Base, out _, out _);
        var next = Load(Base.Replace("interfaces: [eth0]", "interfaces: [eth0, eth1]\nsocket: { path: /run/other.sock }\nconnections: { table_size: 8192 }", StringComparison.Ordinal));

        var result = reconciler.Apply(next);

        Assert.True(result.Applied);
        Assert.Empty(result.Changes);
        Assert.Equal(3, result.Warnings.Count);
        Assert.All(result.Warnings, w => Assert.Contains("needs restart", w, StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("interfaces", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("socket", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Contains("table_size", StringComparison.Ordinal));
        Assert.Equal(["eth0"], reconciler.Applied.Interfaces.Select(i => i.Name));
    }

    [Fact]
    public void Ipv6_services_are_added_and_edited_by_a_reload_and_interface_addresses_need_a_restart()
    {
        var reconciler = Start(Base, out var table, out _);
        const string Ipv6Service = """

              - protocol: tcp
                address: 2001:db8::10
                port: 443
                persistence: { prefix_length: 64 }
                real_servers:
                  - { address: '2001:db8:1::11', method: masq }
            """;
        var web6 = new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::10"), 443);

        var added = reconciler.Apply(Load(Base + Ipv6Service.TrimEnd()));
        Assert.True(added.Applied, string.Join("\n", added.Errors));
        Assert.Contains(added.Changes, c => c.Contains("TCP [2001:db8::10]:443 added", StringComparison.Ordinal));
        Assert.Contains(added.Changes, c => c.Contains("real server [2001:db8:1::11]:443", StringComparison.Ordinal));
        Assert.Equal(64, Service(table, web6).Persistence!.Ipv6PrefixLength);

        var edited = reconciler.Apply(Load(
            (Base + Ipv6Service.TrimEnd()).Replace("prefix_length: 64", "prefix_length: 48", StringComparison.Ordinal)
                .Replace("interfaces: [eth0]", "interfaces:\n  - { name: eth0, addresses: ['2001:db8:1::1/64'] }", StringComparison.Ordinal)));
        Assert.True(edited.Applied, string.Join("\n", edited.Errors));
        Assert.Contains(edited.Changes, c => c.Contains("prefix /48", StringComparison.Ordinal));
        Assert.Equal(48, Service(table, web6).Persistence!.Ipv6PrefixLength);
        Assert.Contains("interfaces: addresses of eth0 changed ( -> 2001:db8:1::1/64): needs restart", Assert.Single(edited.Warnings), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metrics: { listen: 127.0.0.1:9105 }", "metrics changed (off -> 127.0.0.1:9105/metrics): needs restart")]
    [InlineData("vrrp: { interface: eth0, virtual_router_id: 51 }", "vrrp changed: needs restart")]
    [InlineData("data_path: { workers: 3 }", "data_path changed (workers, cpus): needs restart")]
    [InlineData("data_path: { cpus: [1] }", "data_path changed (workers, cpus): needs restart")]
    [InlineData("kernel_bypass: { ingress_drop: false }", "kernel_bypass changed: needs restart")]
    public void A_change_that_needs_a_restart_is_warned_about_not_applied(string section, string warning)
    {
        var reconciler = Start(Base, out var table, out _);
        var before = table.Current;
        var next = Load(Base.Replace("interfaces: [eth0]", "interfaces: [eth0]\n" + section, StringComparison.Ordinal));

        var result = reconciler.Apply(next);

        Assert.True(result.Applied);
        Assert.Empty(result.Changes);
        Assert.Equal(warning, Assert.Single(result.Warnings));
        Assert.Same(before, table.Current);
    }

    [Fact]
    public void The_same_data_path_in_a_new_file_needs_no_restart()
    {
        // The CPU list is compared by its elements, not by the list object a new load makes.
        var withCpus = Base.Replace("interfaces: [eth0]", "interfaces: [eth0]\ndata_path: { workers: 2, cpus: [0, 1] }", StringComparison.Ordinal);
        var reconciler = Start(withCpus, out _, out _);
        var result = reconciler.Apply(Load(withCpus));
        Assert.True(result.Applied);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Firewall_mark_rules_are_replaced()
    {
        const string Marks = """
            interfaces: [eth0]
            firewall_marks:
              - { mark: 1, protocol: tcp, destination: 198.18.0.20/32, ports: [80] }
            services:
              - fwmark: 1
                scheduler: rr
                real_servers:
                  - { address: 198.18.1.11, method: masq }
            """;
        var reconciler = Start(Marks, out var table, out _);

        var result = reconciler.Apply(Load(Marks.Replace("ports: [80]", "ports: [80, 443]", StringComparison.Ordinal)));

        Assert.True(result.Applied);
        Assert.Contains("firewall_marks replaced", Assert.Single(result.Changes), StringComparison.Ordinal);
        Assert.NotEqual(0u, table.Current.Marks.Classify(6, 0xC6120014, 443));
    }

    [Fact]
    public void Reload_section_is_read_and_checked()
    {
        var defaults = Load(Base).Reload;
        Assert.Equal(RemovedServerPolicy.Drain, defaults.RemovedServer);
        Assert.Equal(TimeSpan.FromSeconds(300), defaults.DrainTimeout);

        var custom = Load(Base + "\nreload: { removed_server: delete, drain_timeout: 2m }\n").Reload;
        Assert.Equal(RemovedServerPolicy.Delete, custom.RemovedServer);
        Assert.Equal(TimeSpan.FromMinutes(2), custom.DrainTimeout);

        var broken = ConfigurationLoader.LoadFromText(Base + "\nreload: { removed_server: later, drain_time: 3 }\n", "reload.yaml");
        Assert.False(broken.Succeeded);
        Assert.Contains(broken.Errors, e => e.Key == "reload.removed_server" && e.Message.Contains("drain or delete", StringComparison.Ordinal));
        Assert.Contains(broken.Errors, e => e.Key.StartsWith("reload.drain_time", StringComparison.Ordinal));
    }
}
