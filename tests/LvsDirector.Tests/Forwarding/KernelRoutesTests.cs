using LvsDirector.Forwarding;

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
}
