using LvsDirector.Connections;
using LvsDirector.DataPath;
using LvsDirector.Packets;
using LvsDirector.Tests.Scheduling;

namespace LvsDirector.Tests.DataPath;

public class ConnectionSnapshotTests
{
    [Fact]
    public void An_IPv4_entry_keeps_its_uint_addresses()
    {
        var table = new ConnectionTable(4, ConnectionTimeouts.Default, 1);
        int i = table.Add(6, 0xC6130A01, 40000, 0xC6120064, 80, 0xC6120102, 8080, new TestDestination("A", 1), false, 1_000);
        var snapshot = ConnectionSnapshot.From(in table[i], 500);

        Assert.False(snapshot.IsIpv6);
        Assert.Equal((0xC6130A01u, 0xC6120064u, 0xC6120102u), (snapshot.ClientAddress, snapshot.VirtualAddress, snapshot.RealAddress));
        Assert.Equal(UInt128.Zero, snapshot.ClientAddress6);
        Assert.Equal(("198.19.10.1", "198.18.0.100", "198.18.1.2"), (snapshot.ClientAddressText, snapshot.VirtualAddressText, snapshot.RealAddressText));
        Assert.Equal(2_500, snapshot.ExpiresInMs);
    }

    [Fact]
    public void An_IPv6_entry_carries_its_addresses_in_the_v6_fields()
    {
        var table = new Ipv6ConnectionTable(4, ConnectionTimeouts.Default, 1);
        var client = Ipv6Address.Parse("2001:db8:a::1");
        var vip = Ipv6Address.Parse("2001:db8::64");
        var real = Ipv6Address.Parse("2001:db8:2::2");
        int i = table.Add(17, client, 5353, vip, 53, real, 53, new TestDestination("A", 1), false, 0);
        var snapshot = ConnectionSnapshot.From(in table[i], 0);

        Assert.True(snapshot.IsIpv6);
        Assert.Equal((client, vip, real), (snapshot.ClientAddress6, snapshot.VirtualAddress6, snapshot.RealAddress6));
        Assert.Equal((0u, 0u, 0u), (snapshot.ClientAddress, snapshot.VirtualAddress, snapshot.RealAddress));
        Assert.Equal(("2001:db8:a::1", "2001:db8::64", "2001:db8:2::2"), (snapshot.ClientAddressText, snapshot.VirtualAddressText, snapshot.RealAddressText));
        Assert.Equal(("UDP", "UDP", (ushort)5353, (ushort)53), (snapshot.ProtocolName, snapshot.StateName, snapshot.ClientPort, snapshot.RealPort));
    }

    [Fact]
    public void An_IPv6_firewall_mark_template_shows_its_mark_where_IPv4_ones_do()
    {
        var table = new Ipv6ConnectionTable(4, ConnectionTimeouts.Default, 1);
        var network = Ipv6Address.Parse("2001:db8:a::1") & Ipv6Address.PrefixMask(64);
        int i = table.AddTemplate(0, network, 42, 0, Ipv6Address.Parse("2001:db8:2::2"), 0, new TestDestination("A", 1), 300, 0);
        var snapshot = ConnectionSnapshot.From(in table[i], 0);

        Assert.True(snapshot.IsTemplate);
        Assert.Equal(42u, snapshot.VirtualAddress);
        Assert.Equal((UInt128)42, snapshot.VirtualAddress6);
        Assert.Equal(("2001:db8:a::", "IP", "NONE"), (snapshot.ClientAddressText, snapshot.ProtocolName, snapshot.StateName));
    }
}
