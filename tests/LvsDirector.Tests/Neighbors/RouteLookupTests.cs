using LvsDirector.Forwarding;
using LvsDirector.Neighbors;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Neighbors;

public class RouteLookupTests
{
    // 198.20.0.0/16 via 198.19.0.1, 198.20.1.0/24 via .2, the default route via .3.
    private static readonly Route Wide = new(0xC614_0000, 0xFFFF_0000, 0xC613_0001);
    private static readonly Route Narrow = new(0xC614_0100, 0xFFFF_FF00, 0xC613_0002);
    private static readonly Route Default = new(0, 0, 0xC613_0003);

    [Fact]
    public void NextHopIsTheGatewayOfTheFirstMatchingRoute()
    {
        Route[] routes = [Narrow, Wide, Default];
        Assert.Equal(0xC613_0002u, RouteLookup.NextHop<Route, uint>(routes, 0xC614_0105));
        Assert.Equal(0xC613_0001u, RouteLookup.NextHop<Route, uint>(routes, 0xC614_0205));
        Assert.Equal(0xC613_0003u, RouteLookup.NextHop<Route, uint>(routes, 0xC615_0005));
    }

    [Fact]
    public void NextHopWithoutAMatchIsTheAddressItself()
    {
        Route[] routes = [Narrow];
        Assert.Equal(0xC615_0005u, RouteLookup.NextHop<Route, uint>(routes, 0xC615_0005));
    }

    [Fact]
    public void LongestMatchIgnoresTheOrderOfTheRoutes()
    {
        Route[] routes = [Default, Wide, Narrow];
        Assert.Equal(24, RouteLookup.LongestMatch<Route, uint>(routes, 0xC614_0105));
        Assert.Equal(16, RouteLookup.LongestMatch<Route, uint>(routes, 0xC614_0205));
        Assert.Equal(0, RouteLookup.LongestMatch<Route, uint>(routes, 0xC615_0005));
        Assert.Equal(-1, RouteLookup.LongestMatch<Route, uint>([Narrow], 0xC615_0005));
    }

    [Fact]
    public void Ipv6RoutesWalkTheSameWay()
    {
        var gateway = Ipv6Address.Parse("fe80::1");
        var other = Ipv6Address.Parse("fe80::2");
        Route6[] routes = [new(Ipv6Address.Parse("2001:db8:3:1::"), 64, gateway), new(Ipv6Address.Parse("2001:db8:3::"), 48, other)];
        var inNarrow = Ipv6Address.Parse("2001:db8:3:1::5");
        var inWide = Ipv6Address.Parse("2001:db8:3:2::5");
        var elsewhere = Ipv6Address.Parse("2001:db8:4::5");

        Assert.Equal(gateway, RouteLookup.NextHop<Route6, UInt128>(routes, inNarrow));
        Assert.Equal(other, RouteLookup.NextHop<Route6, UInt128>(routes, inWide));
        Assert.Equal(elsewhere, RouteLookup.NextHop<Route6, UInt128>(routes, elsewhere));
        Assert.Equal(64, RouteLookup.LongestMatch<Route6, UInt128>(routes, inNarrow));
        Assert.Equal(48, RouteLookup.LongestMatch<Route6, UInt128>(routes, inWide));
        Assert.Equal(-1, RouteLookup.LongestMatch<Route6, UInt128>(routes, elsewhere));
    }
}
