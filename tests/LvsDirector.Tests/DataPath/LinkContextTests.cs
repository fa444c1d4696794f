using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;

namespace LvsDirector.Tests.DataPath;

public class LinkContextTests
{
    [Fact]
    public void Link_local_address_is_derived_from_the_mac_when_the_kernel_gives_none()
    {
        using var link = new InMemoryLink("eth0", new MacAddress(0x02_00_00_00_D0_01), 1500, 4, 4, 2048);
        var context = new LinkContext(0, link, [], [(Ipv6Address.Parse("2001:db8:1::1"), 64)], new NeighborTable(), new Ipv6NeighborTable());

        Assert.Equal(Ipv6Address.Parse("fe80::ff:fe00:d001"), context.LinkLocalAddress6);
        Assert.Equal(Ipv6Address.Parse("2001:db8:1::1"), context.PrimaryAddress6);
        Assert.True(context.IsOnLink6(Ipv6Address.Parse("2001:db8:1::11")));
        Assert.False(context.IsOnLink6(Ipv6Address.Parse("2001:db8:2::11")));
    }

    [Fact]
    public void Kernel_link_local_address_is_kept_and_is_not_an_on_link_prefix()
    {
        using var link = new InMemoryLink("eth0", new MacAddress(0x02_00_00_00_D0_01), 1500, 4, 4, 2048);
        var context = new LinkContext(0, link, [], [(Ipv6Address.Parse("fe80::1234"), 64)], new NeighborTable(), new Ipv6NeighborTable());

        Assert.Equal(Ipv6Address.Parse("fe80::1234"), context.LinkLocalAddress6);
        Assert.Equal(Ipv6Address.Parse("fe80::1234"), context.PrimaryAddress6);
        Assert.False(context.IsOnLink6(Ipv6Address.Parse("2001:db8:1::11")));
    }
}
