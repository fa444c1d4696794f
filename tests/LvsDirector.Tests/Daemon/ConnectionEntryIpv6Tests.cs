using LvsDirector.Admin;
using LvsDirector.Connections;
using LvsDirector.Control;
using LvsDirector.Daemon;
using LvsDirector.DataPath;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Daemon;

public sealed class ConnectionEntryIpv6Tests
{
    [Fact]
    public void An_ipv6_connection_lists_as_ipvsadm_prints_it()
    {
        var snapshot = new ConnectionSnapshot(6, 0, 40000, 0, 443, 0, 8443, TcpConnectionState.Established, ConnectionStatus.None, 899_500, 0)
        {
            IsIpv6 = true,
            ClientAddress6 = Ipv6Address.Parse("2001:db8:c::2"),
            VirtualAddress6 = Ipv6Address.Parse("2001:db8::1"),
            RealAddress6 = Ipv6Address.Parse("2001:db8:1::11"),
        };

        var entry = DirectorControlHandler.ToConnectionEntry(snapshot);

        Assert.Equal(new ControlConnectionEntry(ControlProtocol.Tcp, "2001:db8:c::2", 40000, "2001:db8::1", 443, "2001:db8:1::11", 8443, "ESTABLISHED", 899), entry);
    }

    [Fact]
    public void An_ipv6_firewall_mark_template_shows_the_mark_where_the_vip_goes()
    {
        var snapshot = new ConnectionSnapshot(0, 0, 0, 9, 0, 0, 0, TcpConnectionState.None, ConnectionStatus.Template, 100_000, 1)
        {
            IsIpv6 = true,
            ClientAddress6 = Ipv6Address.Parse("2001:db8:c::2"),
            RealAddress6 = Ipv6Address.Parse("2001:db8:1::11"),
        };

        var entry = DirectorControlHandler.ToConnectionEntry(snapshot);
        var text = new IpvsadmFormatter(new LvsDirector.Tests.Admin.FakeNameService()).FormatConnections([entry], DisplayOptions.Numeric);

        Assert.EndsWith("IP  01:40  NONE        [2001:db8:c::2]:0  [0:9::]:0          [2001:db8:1::11]:0\n", text, StringComparison.Ordinal);
    }
}
