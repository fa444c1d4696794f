using System.Net;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.DataPath;

public class DirectorAddressTests
{
    private static Director Create() =>
        new(new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 1024, DisableOffloads = false }, NullLoggerFactory.Instance,
            TimeProvider.System,
            name => new InMemoryLink(name, new MacAddress(0x02_00_00_00_00_01), 1500, 16, 16, 2048),
            _ => [(0xC612_0901u, 24)],
            _ => [(Ipv6Address.Parse("fe80::1"), 64), (Ipv6Address.Parse("fd00::9"), 64)]);

    [Fact]
    public void Kernel_addresses_of_both_families_reach_the_link()
    {
        using var director = Create();
        director.Start();
        var link = director.Worker!.Links[0];
        director.Stop();

        Assert.Equal(0xC612_0901u, link.PrimaryAddress);
        Assert.Equal(Ipv6Address.Parse("fd00::9"), link.PrimaryAddress6);
        Assert.Equal(Ipv6Address.Parse("fe80::1"), link.LinkLocalAddress6);
        Assert.True(link.IsOnLink6(Ipv6Address.Parse("fd00::11")));
    }

    [Fact]
    public void Configured_addresses_replace_the_kernels_per_family()
    {
        using var director = Create();
        director.UseInterfaceAddresses("eth0", [(IPAddress.Parse("2001:db8:1::1"), 64)]);
        director.Start();
        var link = director.Worker!.Links[0];
        director.Stop();

        Assert.Equal(0xC612_0901u, link.PrimaryAddress);
        Assert.Equal(Ipv6Address.Parse("2001:db8:1::1"), link.PrimaryAddress6);
        Assert.True(link.IsOnLink6(Ipv6Address.Parse("2001:db8:1::11")));
        Assert.False(link.IsOnLink6(Ipv6Address.Parse("fd00::11")));
        Assert.Equal(Ipv6Address.Parse("fe80::1"), link.LinkLocalAddress6); // the kernel's, kept
    }

    [Fact]
    public void Addresses_are_fixed_once_running()
    {
        using var director = Create();
        director.Start();
        Assert.Throws<InvalidOperationException>(() => director.UseInterfaceAddresses("eth0", [(IPAddress.Parse("2001:db8:1::1"), 64)]));
        director.Stop();
    }
}
