using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>
/// IPv6 output of ipvsadm 1.31, worked out by hand from its printf formats: addrport_to_anyname "[%s]:%u", the
/// service name "%s  %s" not cut at 33 for AF_INET6, "  -> %-28s" not cut at 28 for AF_INET6, " mask %i" for an IPv6
/// prefix other than 128, and print_conn's "%-3s %-6s %-11s %-18s %-18s %s".
/// </summary>
public sealed class IpvsadmIpv6FormatterTests
{
    private static readonly ControlServiceKey Web6 = new(ControlProtocol.Tcp, "2001:db8::1", 443);

    private readonly IpvsadmFormatter _formatter = new(new FakeNameService());

    private static ControlListing Table(uint mask = 64) => new("1.2.1", 4096,
    [
        new ServiceEntry(Web6, "sh", ServiceAttributes.Persistent, 600, mask.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
            [new ServerEntry("2001:db8:1::11", 8443, ControlForwardingMethod.Masq, 2, 1, 2, 4, 100, 50,
                new TrafficStats(10, 200, 150, 30000, 450_000_000, 1, 20, 15, 3000, 45000))],
            new TrafficStats(10, 200, 150, 30000, 450_000_000, 1, 20, 15, 3000, 45000)),
    ]);

    [Fact]
    public void List_numeric()
    {
        Assert.Equal(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  [2001:db8::1]:443 sh persistent 600 mask 64\n" +
            "  -> [2001:db8:1::11]:8443        Masq    2      1          2         \n",
            _formatter.FormatAll(Table(), DisplayOptions.Numeric));
    }

    [Fact]
    public void The_default_prefix_128_is_not_printed()
    {
        Assert.Contains("TCP  [2001:db8::1]:443 sh persistent 600\n", _formatter.FormatAll(Table(128), DisplayOptions.Numeric), StringComparison.Ordinal);
        Assert.Contains("-A -t [2001:db8::1]:443 -s sh -p 600\n", _formatter.FormatAll(Table(128), DisplayOptions.Numeric | DisplayOptions.Rule), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_numeric_ipv6_hosts_stay_numbers_but_ports_get_names()
    {
        // ipvsadm's addr_to_host passes an IPv4 length to gethostbyaddr, which fails for AF_INET6.
        var web80 = new ServiceEntry(Web6 with { Port = 80 }, "rr", ServiceAttributes.None, 0, "128", null,
            [new ServerEntry("2001:db8:1::11", 80, ControlForwardingMethod.Route, 1, 0, 0)], TrafficStats.Zero);
        var output = _formatter.FormatOne(web80, DisplayOptions.None);

        Assert.Contains("TCP  [2001:db8::1]:http rr\n  -> [2001:db8:1::11]:http        Route   1      0          0         \n", output, StringComparison.Ordinal);
        Assert.DoesNotContain("web6.test", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats()
    {
        Assert.Equal(
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  [2001:db8::1]:443                  10      200      150    30000  450000K\n" +
            "  -> [2001:db8:1::11]:8443              10      200      150    30000  450000K\n",
            _formatter.FormatOne(Table().Services[0], DisplayOptions.Numeric | DisplayOptions.Stats));
    }

    [Fact]
    public void Rate()
    {
        Assert.Equal(
            "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  [2001:db8::1]:443                   1       20       15     3000    45000\n" +
            "  -> [2001:db8:1::11]:8443               1       20       15     3000    45000\n",
            _formatter.FormatOne(Table().Services[0], DisplayOptions.Numeric | DisplayOptions.Rate));
    }

    [Fact]
    public void Thresholds()
    {
        Assert.Equal(
            "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  [2001:db8::1]:443 sh persistent 600 mask 64\n" +
            "  -> [2001:db8:1::11]:8443        100        50         1          2         \n",
            _formatter.FormatOne(Table().Services[0], DisplayOptions.Numeric | DisplayOptions.Thresholds));
    }

    [Fact]
    public void Persistent_conn()
    {
        Assert.Equal(
            "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  [2001:db8::1]:443 sh persistent 600 mask 64\n" +
            "  -> [2001:db8:1::11]:8443        2         4           1          2         \n",
            _formatter.FormatOne(Table().Services[0], DisplayOptions.Numeric | DisplayOptions.PersistentConn));
    }

    [Fact]
    public void Save()
    {
        Assert.Equal(
            "-A -t [2001:db8::1]:443 -s sh -p 600 -M 64\n" +
            "-a -t [2001:db8::1]:443 -r [2001:db8:1::11]:8443 -m -w 2\n",
            _formatter.FormatAll(Table(), DisplayOptions.Numeric | DisplayOptions.Rule));
    }

    [Fact]
    public void Ipv6_firewall_mark_service_and_save()
    {
        var mark = new ControlListing("1.2.1", 4096,
        [
            new ServiceEntry(new ControlServiceKey(ControlProtocol.Tcp, null, 0, 9, true), "rr", ServiceAttributes.None, 0, "128", null,
                [new ServerEntry("2001:db8:1::11", 0, ControlForwardingMethod.Route, 1, 0, 0)], TrafficStats.Zero),
        ]);

        Assert.EndsWith("FWM  9 IPv6 rr\n  -> [2001:db8:1::11]:0           Route   1      0          0         \n",
            _formatter.FormatAll(mark, DisplayOptions.Numeric), StringComparison.Ordinal);
        Assert.Equal("-A -f 9 -6 -s rr\n-a -f 9 -6 -r [2001:db8:1::11]:0 -g -w 1\n",
            _formatter.FormatAll(mark, DisplayOptions.Numeric | DisplayOptions.Rule));
    }

    [Fact]
    public void Connections()
    {
        var connections = new ControlConnectionEntry[]
        {
            new(ControlProtocol.Tcp, "2001:db8:c::2", 40000, "2001:db8::1", 443, "2001:db8:1::11", 8443, "ESTABLISHED", 899),
            new(ControlProtocol.Tcp, "2001:db8:c::", 0, "2001:db8::1", 443, "2001:db8:1::11", 8443, "NONE", 100, IsTemplate: true),
            new(ControlProtocol.Udp, "2001:db8:c::3", 5353, "2001:db8::1", 53, "2001:db8:1::11", 53, "UDP", 59),
        };

        Assert.Equal(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n" +
            "TCP 14:59  ESTABLISHED [2001:db8:c::2]:40000 [2001:db8::1]:443  [2001:db8:1::11]:8443\n" +
            "TCP 01:40  NONE        [2001:db8:c::]:0   [2001:db8::1]:443  [2001:db8:1::11]:8443\n" +
            "UDP 00:59  UDP         [2001:db8:c::3]:5353 [2001:db8::1]:53   [2001:db8:1::11]:53\n",
            _formatter.FormatConnections(connections, DisplayOptions.Numeric));
    }
}
