using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>
/// Golden output derived from ipvsadm 1.31's printf formats: "IP Virtual Server version %d.%d.%d (size=%d)",
/// "%s %s" (service "%-4s %s" cut at 33), "  -> %-28s %-7s %-6d %-10u %-10u", "%-33s" + "%9llu"/"%8lluK".
/// </summary>
public sealed class IpvsadmFormatterTests
{
    private const string Header =
        "IP Virtual Server version 1.2.1 (size=4096)\n" +
        "Prot LocalAddress:Port Scheduler Flags\n" +
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

    private static readonly ControlServiceKey Web = new(ControlProtocol.Tcp, "198.18.0.10", 80);
    private static readonly ControlServiceKey Dns = new(ControlProtocol.Udp, "198.18.0.10", 53);

    private readonly IpvsadmFormatter _formatter = new(new FakeNameService());

    private static ServiceEntry Service(
        ControlServiceKey key,
        string scheduler,
        IReadOnlyList<ServerEntry> servers,
        ServiceAttributes flags = ServiceAttributes.None,
        uint timeout = 0,
        string? mask = null,
        TrafficStats? stats = null,
        string? engine = null) =>
        new(key, scheduler, flags, timeout, mask, engine, servers, stats ?? TrafficStats.Zero);

    private static ControlListing Table(params ServiceEntry[] services) => new("1.2.1", 4096, services);

    [Fact]
    public void An_empty_table_is_just_the_header()
    {
        Assert.Equal(Header, _formatter.FormatAll(Table(), DisplayOptions.Numeric));
    }

    [Fact]
    public void Numeric_listing_matches_ipvsadm_to_the_character()
    {
        var table = Table(
            Service(Dns, "rr", [new ServerEntry("198.18.1.3", 53, ControlForwardingMethod.Route, 1, 0, 0)],
                ServiceAttributes.Persistent, 300, "255.255.255.0"),
            Service(Web, "wlc",
            [
                new ServerEntry("198.18.1.2", 8080, ControlForwardingMethod.Route, 3, 12, 345),
                new ServerEntry("198.18.1.1", 80, ControlForwardingMethod.Masq, 1, 0, 0),
            ]));

        var expected = Header +
            "TCP  198.18.0.10:80 wlc\n" +
            "  -> 198.18.1.1:80                Masq    1      0          0         \n" +
            "  -> 198.18.1.2:8080              Route   3      12         345       \n" +
            "UDP  198.18.0.10:53 rr persistent 300 mask 255.255.255.0\n" +
            "  -> 198.18.1.3:53                Route   1      0          0         \n";
        Assert.Equal(expected, _formatter.FormatAll(table, DisplayOptions.Numeric));
    }

    [Fact]
    public void Nosort_keeps_the_daemon_order()
    {
        var table = Table(
            Service(Dns, "rr", []),
            Service(Web, "wlc", [
                new ServerEntry("198.18.1.2", 80, ControlForwardingMethod.Route, 1, 0, 0),
                new ServerEntry("198.18.1.1", 80, ControlForwardingMethod.Route, 1, 0, 0),
            ]));

        var output = _formatter.FormatAll(table, DisplayOptions.Numeric | DisplayOptions.NoSort);

        Assert.True(output.IndexOf("UDP", StringComparison.Ordinal) < output.IndexOf("TCP", StringComparison.Ordinal));
        Assert.True(output.IndexOf("198.18.1.2", StringComparison.Ordinal) < output.IndexOf("198.18.1.1", StringComparison.Ordinal));
    }

    [Fact]
    public void Services_sort_by_protocol_then_address_then_port_and_ipv4_before_ipv6()
    {
        var table = Table(
            Service(new ControlServiceKey(ControlProtocol.Tcp, "2001:db8::1", 80), "rr", []),
            Service(new ControlServiceKey(ControlProtocol.Udp, "198.18.0.1", 53), "rr", []),
            Service(new ControlServiceKey(ControlProtocol.Tcp, "198.18.0.20", 80), "rr", []),
            Service(new ControlServiceKey(ControlProtocol.Tcp, "198.18.0.3", 443), "rr", []),
            Service(new ControlServiceKey(ControlProtocol.Tcp, "198.18.0.3", 80), "rr", []));

        var lines = _formatter.FormatAll(table, DisplayOptions.Numeric).Split('\n')[3..^1];

        Assert.Equal(
            [
                "TCP  198.18.0.3:80 rr",
                "TCP  198.18.0.3:443 rr",
                "TCP  198.18.0.20:80 rr",
                "UDP  198.18.0.1:53 rr",
                "TCP  [2001:db8::1]:80 rr",
            ],
            lines);
    }

    [Fact]
    public void Flags_follow_ipvsadm_order()
    {
        var table = Table(
            Service(Dns, "sh", [], ServiceAttributes.Scheduler1 | ServiceAttributes.Scheduler2 | ServiceAttributes.Persistent | ServiceAttributes.OnePacket,
                60, "255.255.0.0", engine: "sip"),
            Service(new ControlServiceKey(ControlProtocol.Udp, "198.18.0.11", 53), "wrr", [], ServiceAttributes.OnePacket | ServiceAttributes.Scheduler3),
            Service(new ControlServiceKey(ControlProtocol.Udp, "198.18.0.12", 53), "mh", [], ServiceAttributes.Scheduler2 | ServiceAttributes.Persistent, 300, "255.255.255.255"));

        var lines = _formatter.FormatAll(table, DisplayOptions.Numeric).Split('\n')[3..^1];

        Assert.Equal(
            [
                "UDP  198.18.0.10:53 sh (sh-fallback,sh-port) persistent 60 mask 255.255.0.0 pe sip ops",
                "UDP  198.18.0.11:53 wrr (flag-3) ops",
                "UDP  198.18.0.12:53 mh (mh-port) persistent 300",
            ],
            lines);
    }

    [Fact]
    public void Ipv6_services_use_brackets_and_are_not_cut()
    {
        var key = new ControlServiceKey(ControlProtocol.Tcp, "2001:db8:ffff:ffff:ffff:ffff:ffff:10", 80);
        var table = Table(Service(key, "wlc",
            [new ServerEntry("2001:db8:ffff:ffff:ffff:ffff:ffff:11", 80, ControlForwardingMethod.Tunnel, 65535, 4294967295, 7)],
            ServiceAttributes.Persistent, 300, "64"));

        var expected = Header +
            "TCP  [2001:db8:ffff:ffff:ffff:ffff:ffff:10]:80 wlc persistent 300 mask 64\n" +
            "  -> [2001:db8:ffff:ffff:ffff:ffff:ffff:11]:80 Tunnel  65535  4294967295 7         \n";
        Assert.Equal(expected, _formatter.FormatAll(table, DisplayOptions.Numeric));
    }

    [Fact]
    public void Fwmark_services_print_as_fwm()
    {
        var table = Table(
            Service(new ControlServiceKey(ControlProtocol.Tcp, null, 0, 7), "rr", [new ServerEntry("198.18.1.1", 0, ControlForwardingMethod.Route, 1, 0, 0)]),
            Service(new ControlServiceKey(ControlProtocol.Tcp, null, 0, 9, true), "rr", []));

        var expected = Header +
            "FWM  7 rr\n" +
            "  -> 198.18.1.1:0                 Route   1      0          0         \n" +
            "FWM  9 IPv6 rr\n";
        Assert.Equal(expected, _formatter.FormatAll(table, DisplayOptions.Numeric));
    }

    [Fact]
    public void Without_numeric_names_replace_numbers_and_long_names_are_cut()
    {
        var table = Table(Service(Web, "wlc",
        [
            new ServerEntry("198.18.1.1", 80, ControlForwardingMethod.Route, 1, 0, 0),
            new ServerEntry("198.18.1.2", 80, ControlForwardingMethod.Route, 1, 0, 0),
            new ServerEntry("198.18.1.9", 8080, ControlForwardingMethod.Masq, 1, 0, 0),
        ]));

        var expected = Header +
            "TCP  web.test:http wlc\n" +
            "  -> rs1.test:http                Route   1      0          0         \n" +
            "  -> averyveryverylonghostname.ex Route   1      0          0         \n" +
            "  -> 198.18.1.9:8080              Masq    1      0          0         \n";
        Assert.Equal(expected, _formatter.FormatAll(table, DisplayOptions.None));
    }

    [Fact]
    public void Stats_listing()
    {
        var table = Table(Service(Web, "wlc",
            [new ServerEntry("198.18.1.1", 80, ControlForwardingMethod.Masq, 1, 0, 0, Stats: new TrafficStats(1, 2, 3, 4, 5))],
            stats: new TrafficStats(5, 123456789, 99999999, 5000000000, 123456789012345)));

        var expected =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  198.18.0.10:80                      5  123456K 99999999    5000M     123T\n" +
            "  -> 198.18.1.1:80                       1        2        3        4        5\n";
        Assert.Equal(expected, _formatter.FormatAll(table, DisplayOptions.Numeric | DisplayOptions.Stats));
    }

    [Fact]
    public void Rate_listing()
    {
        var table = Table(Service(Web, "wlc",
            [new ServerEntry("198.18.1.1", 80, ControlForwardingMethod.Masq, 1, 0, 0, Stats: new TrafficStats(0, 0, 0, 0, 0, 1, 20, 30, 4000, 500000000))]));

        var expected =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  198.18.0.10:80                      0        0        0        0        0\n" +
            "  -> 198.18.1.1:80                       1       20       30     4000  500000K\n";
        Assert.Equal(expected, _formatter.FormatAll(table, DisplayOptions.Numeric | DisplayOptions.Rate));
    }

    [Fact]
    public void Thresholds_and_persistent_connection_listings()
    {
        var table = Table(Service(Web, "wlc", [new ServerEntry("198.18.1.1", 80, ControlForwardingMethod.Masq, 1, 7, 8, 9, 100, 50)]));

        Assert.Equal(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  198.18.0.10:80 wlc\n" +
            "  -> 198.18.1.1:80                100        50         7          8         \n",
            _formatter.FormatAll(table, DisplayOptions.Numeric | DisplayOptions.Thresholds));
        Assert.Equal(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  198.18.0.10:80 wlc\n" +
            "  -> 198.18.1.1:80                1         9           7          8         \n",
            _formatter.FormatAll(table, DisplayOptions.Numeric | DisplayOptions.PersistentConn));
    }

    [Fact]
    public void Save_prints_rules()
    {
        var table = Table(
            Service(Web, "wlc",
            [
                new ServerEntry("198.18.1.1", 8080, ControlForwardingMethod.Masq, 2, 0, 0),
                new ServerEntry("198.18.1.2", 80, ControlForwardingMethod.Tunnel, 1, 0, 0),
            ]),
            Service(Dns, "sh", [new ServerEntry("198.18.1.3", 53, ControlForwardingMethod.Route, 0, 0, 0)],
                ServiceAttributes.Persistent | ServiceAttributes.OnePacket | ServiceAttributes.Scheduler2, 600, "255.255.255.0"));

        var expected =
            "-A -t 198.18.0.10:80 -s wlc\n" +
            "-a -t 198.18.0.10:80 -r 198.18.1.1:8080 -m -w 2\n" +
            "-a -t 198.18.0.10:80 -r 198.18.1.2:80 -i -w 1 --tun-type ipip\n" +
            "-A -u 198.18.0.10:53 -s sh -p 600 -M 255.255.255.0 -o -b sh-port\n" +
            "-a -u 198.18.0.10:53 -r 198.18.1.3:53 -g -w 0\n";
        Assert.Equal(expected, _formatter.FormatAll(table, DisplayOptions.Numeric | DisplayOptions.Rule));
    }

    [Fact]
    public void One_service_has_titles_but_no_version_line()
    {
        var service = Service(Web, "rr", []);

        Assert.Equal(
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  198.18.0.10:80 rr\n",
            _formatter.FormatOne(service, DisplayOptions.Numeric));
    }

    [Fact]
    public void Timeouts_line()
    {
        Assert.Equal("Timeout (tcp tcpfin udp): 900 120 300\n", IpvsadmFormatter.FormatTimeouts(new ControlTimeouts(900, 120, 300)));
    }

    [Theory]
    [InlineData(0UL, false, "        0")]
    [InlineData(99_999_999UL, false, " 99999999")]
    [InlineData(100_000_000UL, false, "  100000K")]
    [InlineData(999_999_999UL, false, "  999999K")]
    [InlineData(1_000_000_000UL, false, "    1000M")]
    [InlineData(99_999_999_999UL, false, "   99999M")]
    [InlineData(100_000_000_000UL, false, "     100G")]
    [InlineData(100_000_000_000_000UL, false, "     100T")]
    [InlineData(5UL, true, "        5")]
    [InlineData(123_456_789_012UL, true, " 123456789012")]
    public void Large_numbers(ulong value, bool exact, string expected)
    {
        Assert.Equal(expected, IpvsadmFormatter.FormatLargeNumber(value, exact));
    }
}
