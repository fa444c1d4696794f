using System.Net;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;
using static LvsDirector.Tests.Io.IngressFilterCompilerTests;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// From a service table and the kernel's addresses to what the kernel ingress filter drops, judged by running the
/// compiled program over frames: VIP traffic and NAT replies go, everything of the director's own kernel stays.
/// </summary>
public sealed class IngressDropPlannerTests
{
    private static readonly ServiceKey Web = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 80);
    private static readonly ServiceKey Routed = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.101"), 80);
    private static readonly ServiceKey OnDirector = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.1"), 8080);
    private static readonly ServiceKey Web6 = new(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::100"), 80);

    private static readonly (uint, int)[] Kernel4 = [(Ip("198.18.0.1"), 24), (Ip("198.19.0.1"), 24), (Ip("127.0.0.1"), 8)];
    private static readonly (UInt128, int)[] Kernel6 =
        [(Ip6("2001:db8::1"), 64), (Ip6("2001:db8:1::1"), 64), (Ip6("fe80::1"), 64), (Ip6("::1"), 128)];

    [Fact]
    public void Vip_traffic_and_nat_replies_are_dropped_the_directors_own_traffic_is_not()
    {
        var table = Table();
        var rules = IngressDropPlanner.Plan(table.Current, Kernel4, Kernel6);
        var program = IngressFilterCompiler.Compile(rules);

        // Frames lvsd forwards.
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.0.100"))));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.0.101"))));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.5.7"))));     // firewall mark 7
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Ip("198.19.0.11"), Ip("198.18.0.2"))));   // NAT reply
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Ip("198.19.0.14"), Ip("198.18.0.2"))));   // fwmark's NAT server
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Ip("198.19.0.99"), Ip("198.18.0.2"))));   // sorry server
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp6(Ip6("2001:db8::2"), Ip6("2001:db8::100"))));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp6(Ip6("2001:db8:1::11"), Ip6("2001:db8::2"))));

        // The director's own: health check answers, management traffic, pings, multicast, broadcast.
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.19.0.11"), Ip("198.19.0.1"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.19.0.11"), Ip("198.18.0.1"))));   // weak host model
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.19.0.11"), Ip("198.19.0.255"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.19.0.11"), Ip("224.0.0.18"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.0.1"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp6(Ip6("2001:db8:1::11"), Ip6("2001:db8:1::1"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp6(Ip6("2001:db8:1::11"), Ip6("fe80::1"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Icmp6(Ip6("2001:db8::2"), Ip6("2001:db8::1"), 128)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Icmp6(Ip6("2001:db8::2"), Ip6("2001:db8::100"), 135)));

        // A service on a kernel address is the kernel's too (SSH to it must work); a direct-routing server's frames,
        // a mark without a service and frames of other hosts are not lvsd's to drop.
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.0.1"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.18.0.21"), Ip("198.18.0.2"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.6.1"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.0.100")), Io.ClassicBpfInterpreter.PacketOtherHost));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Arp()));
    }

    [Fact]
    public void The_rules_follow_the_table_and_an_empty_table_needs_no_filter()
    {
        var table = Table();
        Assert.Equal(ServiceTableError.None, table.DeleteRealServer(Web, IPAddress.Parse("198.19.0.11"), 80));
        var rules = IngressDropPlanner.Plan(table.Current, Kernel4, Kernel6);
        var program = IngressFilterCompiler.Compile(rules);
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.19.0.11"), Ip("198.18.0.2"))));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Ip("198.19.0.12"), Ip("198.18.0.2"))));

        Assert.Equal(ServiceTableError.None, table.DeleteService(Web));
        program = IngressFilterCompiler.Compile(IngressDropPlanner.Plan(table.Current, Kernel4, Kernel6));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.0.100"))));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Ip("198.18.0.2"), Ip("198.18.0.101"))));

        table.Clear();
        var none = IngressDropPlanner.Plan(table.Current, Kernel4, Kernel6);
        Assert.True(none.DropsNothing);
        Assert.Empty(IngressFilterCompiler.Compile(none));
    }

    [Fact]
    public void The_kernels_addresses_and_multicast_are_the_local_destinations()
    {
        var rules = IngressDropPlanner.Plan(Table().Current, Kernel4, Kernel6);

        Assert.Equal(
            [(Ip("224.0.0.0"), 3), (Ip("198.18.0.1"), 32), (Ip("198.18.0.255"), 32), (Ip("198.19.0.1"), 32), (Ip("198.19.0.255"), 32), (Ip("127.0.0.1"), 32), (Ip("127.255.255.255"), 32)],
            rules.Local4);
        Assert.Equal((Ip6("ff00::"), 8), rules.Local6[0]);
        Assert.Equal(["198.18.0.1", "198.18.0.100", "198.18.0.101", "198.18.5.0"], rules.Virtual4.Select(v => Ipv4Address.Format(v.Address)).Order(StringComparer.Ordinal));
        Assert.Equal(["198.19.0.11", "198.19.0.12", "198.19.0.14", "198.19.0.99"], rules.NatServers4.Select(Ipv4Address.Format));
        Assert.Equal([Ip6("2001:db8:1::11")], rules.NatServers6);
    }

    private static ServiceTable Table()
    {
        var table = new ServiceTable();
        table.SetFirewallMarks(
        [
            new FirewallMarkRule(7, FirewallMarkProtocol.Tcp, IPAddress.Parse("198.18.5.0"), 24, [new PortRange(443, 443)]),
            new FirewallMarkRule(8, FirewallMarkProtocol.Tcp, IPAddress.Parse("198.18.6.0"), 24, []),
        ]);
        Add(table, new VirtualServiceSpec(Web, "rr"), ("198.19.0.11", ForwardingMethod.Masquerade), ("198.19.0.12", ForwardingMethod.Masquerade));
        Assert.Equal(ServiceTableError.None, table.SetSorryServer(Web, new RealServerSpec(IPAddress.Parse("198.19.0.99"), 80, 1, ForwardingMethod.Masquerade)));
        Add(table, new VirtualServiceSpec(Routed, "rr"), ("198.18.0.21", ForwardingMethod.DirectRouting));
        Add(table, new VirtualServiceSpec(OnDirector, "rr"), ("198.19.0.13", ForwardingMethod.DirectRouting));
        Add(table, new VirtualServiceSpec(ServiceKey.ForFwmark(7), "rr"), ("198.19.0.14", ForwardingMethod.Masquerade));
        Add(table, new VirtualServiceSpec(Web6, "rr"), ("2001:db8:1::11", ForwardingMethod.Masquerade));
        return table;
    }

    private static void Add(ServiceTable table, VirtualServiceSpec service, params (string Address, ForwardingMethod Method)[] servers)
    {
        Assert.Equal(ServiceTableError.None, table.AddService(service));
        foreach (var (address, method) in servers)
        {
            var port = service.Key.IsFwmark ? (ushort)0 : service.Key.Port;
            Assert.Equal(ServiceTableError.None, table.AddRealServer(service.Key, new RealServerSpec(IPAddress.Parse(address), port, 1, method)));
        }
    }

    private static uint Ip(string address) => Ipv4Address.FromIPAddress(IPAddress.Parse(address));

    private static UInt128 Ip6(string address) => Ipv6Address.Parse(address);
}
