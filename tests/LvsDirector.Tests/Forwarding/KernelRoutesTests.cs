using LvsDirector.Forwarding;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Forwarding;

public class KernelRoutesTests
{
    private const string ProcNetRoute =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
        "eth1\t000013C6\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
        "eth1\t000014C6\tFE0013C6\t0003\t0\t0\t0\t00FFFFFF\t0\t0\t0\n" +
        "eth1\t00000000\tFE0013C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n" +
        "eth0\t00000000\tFE0012C6\t0003\t0\t0\t0\t00000000\t0\t0\t0\n";

    [Fact]
    public void Gateway_routes_of_the_interface_longest_prefix_first()
    {
        var routes = KernelRoutes.Parse(ProcNetRoute, "eth1");

        Assert.Equal(
            [new Route(0xC614_0000, 0xFFFF_FF00, 0xC613_00FE), new Route(0, 0, 0xC613_00FE)],
            routes);
        Assert.True(routes[0].Matches(0xC614_000B));
        Assert.False(routes[0].Matches(0xC615_000B));
        Assert.True(routes[1].Matches(0xC615_000B));
    }

    [Fact]
    public void Missing_file_means_no_routes() =>
        Assert.Empty(KernelRoutes.ForInterface("eth0", "/nonexistent/route"));

    // Real /proc/net/ipv6_route lines: an on-link prefix, a routed prefix, the default route, a local host route.
    private const string ProcNetIpv6Route =
        "20010db8000100000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth1\n" +
        "20010db8000200000000000000000000 40 00000000000000000000000000000000 00 20010db80001000000000000000000fe 00000400 00000003 00000000 00000003     eth1\n" +
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000003 00000000 00000003     eth1\n" +
        "20010db8000100000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000004 00000000 80200001     eth1\n" +
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe8000000000000000000000000000aa 00000400 00000003 00000000 00000003     eth0\n";

    [Fact]
    public void Ipv6_gateway_routes_of_the_interface_longest_prefix_first()
    {
        var routes = KernelRoutes.Parse6(ProcNetIpv6Route, "eth1");

        Assert.Equal(2, routes.Length);
        Assert.Equal(new Route6(Ipv6Address.Parse("2001:db8:2::"), 64, Ipv6Address.Parse("2001:db8:1::fe")), routes[0]);
        Assert.Equal(new Route6(UInt128.Zero, 0, Ipv6Address.Parse("fe80::1")), routes[1]);
        Assert.True(routes[0].Matches(Ipv6Address.Parse("2001:db8:2::11")));
        Assert.False(routes[0].Matches(Ipv6Address.Parse("2001:db8:3::11")));
        Assert.True(routes[1].Matches(Ipv6Address.Parse("2001:db8:3::11")));
    }

    [Fact]
    public void Missing_ipv6_route_file_means_no_routes() =>
        Assert.Empty(KernelRoutes.ForInterface6("eth0", "/nonexistent/ipv6_route"));
}
