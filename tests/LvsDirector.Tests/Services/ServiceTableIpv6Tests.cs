using System.Net;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.Services;

public sealed class ServiceTableIpv6Tests
{
    private static readonly IPAddress Vip6 = IPAddress.Parse("2001:db8::1");
    private static readonly ServiceKey Web6 = new(ServiceProtocol.Tcp, Vip6, 80);
    private static readonly ServiceKey Web4 = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.10"), 80);

    private static RealServerSpec Server(string address, ushort port = 8080, ForwardingMethod method = ForwardingMethod.Masquerade) =>
        new(IPAddress.Parse(address), port, 1, method);

    [Fact]
    public void An_ipv6_service_and_its_servers_carry_uint128_addresses()
    {
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web6, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddRealServer(Web6, Server("2001:db8:1::10")));

        var service = Assert.Single(table.Current.Services);
        Assert.True(service.IsIpv6);
        Assert.Equal(Ipv6Address.Parse("2001:db8::1"), service.Address6);
        Assert.Equal(0u, service.Address);
        var server = Assert.Single(service.Servers);
        Assert.True(server.IsIpv6);
        Assert.Equal(Ipv6Address.Parse("2001:db8:1::10"), server.Address6);
        Assert.Equal(Ipv6Address.Fold(server.Address6), server.Address);
        Assert.Equal("TCP [2001:db8::1]:80", service.Key.ToString());
    }

    [Fact]
    public void Packets_find_services_of_their_own_family_only()
    {
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web6, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web4, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(new ServiceKey(ServiceProtocol.Udp, Vip6, 0), "rr") { PersistenceTimeoutSeconds = 60 }));
        var snapshot = table.Current;
        var vip6 = Ipv6Address.Parse("2001:db8::1");

        Assert.True(snapshot.TryFind6(6, vip6, 80, out var exact));
        Assert.Equal(Web6, exact.Key);
        Assert.True(snapshot.TryFindForPacket6(6, vip6, 80, out var found));
        Assert.Same(exact, found);
        Assert.False(snapshot.TryFindForPacket6(6, vip6, 81, out _));
        Assert.True(snapshot.TryFindForPacket6(17, vip6, 5353, out var portZero));
        Assert.Equal(0, portZero.Port);
        Assert.False(snapshot.TryFindForPacket6(6, Ipv6Address.Parse("2001:db8::2"), 80, out _));

        // The IPv6 service never shows up in the IPv4 tables (its IPv4 Address is 0).
        Assert.False(snapshot.TryFindForPacket(6, 0, 80, out _));
        Assert.True(snapshot.TryFindForPacket(6, Ipv4Address.Parse("198.18.0.10"), 80, out var v4));
        Assert.False(v4.IsIpv6);

        Assert.Equal([vip6], snapshot.VirtualAddresses6);
        Assert.True(snapshot.IsVirtualAddress6(vip6));
        Assert.False(snapshot.IsVirtualAddress6(vip6 + 1));
        Assert.Equal([Ipv4Address.Parse("198.18.0.10")], snapshot.VirtualAddresses);
        Assert.Empty(snapshot.AddressesOf(exact));
        Assert.Equal([vip6], snapshot.AddressesOf6(exact));
        Assert.Empty(snapshot.AddressesOf6(v4));
    }

    [Fact]
    public void Two_ipv6_services_on_one_port_do_not_collide_in_the_ipv4_table()
    {
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web6, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::2"), 80), "rr")));

        Assert.True(table.Current.TryFind6(6, Ipv6Address.Parse("2001:db8::2"), 80, out var second));
        Assert.Equal(Ipv6Address.Parse("2001:db8::2"), second.Address6);
    }

    [Theory]
    [InlineData("2001:db8::1", "198.19.0.11")]
    [InlineData("198.18.0.10", "2001:db8:1::10")]
    public void Families_never_mix_not_even_for_tunnels(string vip, string server)
    {
        var table = new ServiceTable();
        var key = new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse(vip), 80);
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(key, "rr")));

        Assert.Equal(ServiceTableError.AddressFamilyMismatch, table.AddRealServer(key, Server(server, 80, ForwardingMethod.Tunnel)));
        Assert.Contains("do not mix", ServiceTable.Describe(ServiceTableError.AddressFamilyMismatch), StringComparison.Ordinal);
        Assert.Empty(table.Current.Services[0].Servers);
    }

    [Fact]
    public void Ipv6_servers_are_edited_and_deleted_by_address()
    {
        var table = new ServiceTable();
        table.AddService(new VirtualServiceSpec(Web6, "wrr"));
        Assert.Equal(ServiceTableError.None, table.AddRealServer(Web6, Server("2001:db8:1::10")));
        Assert.Equal(ServiceTableError.DestinationExists, table.AddRealServer(Web6, Server("2001:db8:1:0::10")));
        Assert.Equal(ServiceTableError.None, table.EditRealServer(Web6, Server("2001:db8:1::10") with { Weight = 5 }));
        Assert.Equal(5, table.Current.Services[0].Servers[0].Weight);

        Assert.Equal(ServiceTableError.NoSuchDestination, table.DeleteRealServer(Web6, IPAddress.Parse("2001:db8:1::11"), 8080));
        Assert.Equal(ServiceTableError.None, table.DeleteRealServer(Web6, IPAddress.Parse("2001:db8:1::10"), 8080));
        Assert.Empty(table.Current.Services[0].Servers);
    }

    [Fact]
    public void Persistence_of_an_ipv6_service_is_a_prefix_length()
    {
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(Web6, "rr") { PersistenceTimeoutSeconds = 300, PersistencePrefixLength = 64 }));
        var persistence = table.Current.Services[0].Persistence!;
        Assert.Equal(64, persistence.Ipv6PrefixLength);
        Assert.Equal(new UInt128(ulong.MaxValue, 0), persistence.Ipv6Mask);
        Assert.Equal("64", persistence.MaskText(ipv6: true));

        // The default is /128: every client its own group.
        table.EditService(new VirtualServiceSpec(Web6, "rr") { PersistenceTimeoutSeconds = 300 });
        Assert.Equal(UInt128.MaxValue, table.Current.Services[0].Persistence!.Ipv6Mask);

        Assert.Equal(ServiceTableError.InvalidArgument, table.EditService(new VirtualServiceSpec(Web6, "rr") { PersistenceTimeoutSeconds = 300, PersistencePrefixLength = 129 }));
        Assert.Equal(ServiceTableError.AddressFamilyMismatch, table.EditService(new VirtualServiceSpec(Web6, "rr") { PersistenceTimeoutSeconds = 300, PersistenceNetmask = IPAddress.Parse("255.255.255.0") }));
        table.AddService(new VirtualServiceSpec(Web4, "rr"));
        Assert.Equal(ServiceTableError.AddressFamilyMismatch, table.EditService(new VirtualServiceSpec(Web4, "rr") { PersistenceTimeoutSeconds = 300, PersistencePrefixLength = 64 }));
    }

    [Fact]
    public void A_changed_prefix_length_makes_different_settings()
    {
        var a = new PersistenceSettings(300, PersistenceSettings.HostMask) { Ipv6PrefixLength = 48 };
        var b = a with { Ipv6PrefixLength = 56 };

        Assert.NotEqual(a, b);
        Assert.Equal(Ipv6Address.PrefixMask(56), b.Ipv6Mask);
        Assert.Throws<ArgumentOutOfRangeException>(() => a with { Ipv6PrefixLength = 0 });
    }

    [Theory]
    [InlineData("fe80::1")]
    [InlineData("::ffff:198.18.0.1")]
    public void Link_local_and_mapped_vips_are_refused(string vip)
    {
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.InvalidArgument, table.AddService(new VirtualServiceSpec(new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse(vip), 80), "rr")));
    }

    [Fact]
    public void Ipv6_firewall_mark_services_are_apart_from_ipv4_ones_of_the_same_mark()
    {
        var table = new ServiceTable();
        table.SetFirewallMarks(
        [
            new FirewallMarkRule(7, FirewallMarkProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 32, [new PortRange(80, 80)]),
            new FirewallMarkRule(7, FirewallMarkProtocol.Tcp, IPAddress.Parse("2001:db8::100"), 128, [new PortRange(80, 80)]),
            new FirewallMarkRule(8, FirewallMarkProtocol.Any, IPAddress.Parse("2001:db8:5::"), 48, []),
        ]);
        var mark4 = ServiceKey.ForFwmark(7);
        var mark6 = ServiceKey.ForFwmark(7, ipv6: true);
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(mark4, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(mark6, "rr")));
        Assert.Equal(ServiceTableError.ServiceExists, table.AddService(new VirtualServiceSpec(ServiceKey.ForFwmark(7, true), "rr")));
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(ServiceKey.ForFwmark(8, true), "rr")));
        Assert.Equal(ServiceTableError.None, table.AddRealServer(mark6, Server("2001:db8:1::10", 0)));
        Assert.Equal(ServiceTableError.AddressFamilyMismatch, table.AddRealServer(mark6, Server("198.19.0.10", 0)));
        Assert.Equal("FWM 7 IPv6", mark6.ToString());

        var snapshot = table.Current;
        var vip6 = Ipv6Address.Parse("2001:db8::100");
        Assert.True(snapshot.HasFwmarkServices6);
        Assert.True(snapshot.TryFindForPacket6(6, vip6, 80, out var v6));
        Assert.Equal(mark6, v6.Key);
        Assert.True(snapshot.TryFindForPacket(6, Ipv4Address.Parse("198.18.0.100"), 80, out var v4));
        Assert.Equal(mark4, v4.Key);
        Assert.True(snapshot.TryFindForPacket6(17, Ipv6Address.Parse("2001:db8:5:1::9"), 53, out var wide));
        Assert.Equal(8u, wide.Fwmark);
        Assert.True(snapshot.TryFindByMark6(7, out var byMark));
        Assert.Same(v6, byMark);

        Assert.Equal([vip6], snapshot.AddressesOf6(v6));
        Assert.Empty(snapshot.AddressesOf(v6));
        Assert.Contains(vip6, (IReadOnlySet<UInt128>)snapshot.VirtualAddresses6);
        Assert.Equal([Ipv4Address.Parse("198.18.0.100")], snapshot.VirtualAddresses);
    }
}
