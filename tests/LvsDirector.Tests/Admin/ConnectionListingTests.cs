using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>
/// Golden output of ipvsadm 1.31's list_conn/print_conn: title "pro expire %-11s %-18s %-18s %s", rows
/// "%-3s %-6s %-11s %-18s %-18s %s" with expire as "%02d:%02d"; --persistent-conn adds "%-16s %-18s %s".
/// The expected strings were produced with printf-style formatting of those exact formats.
/// </summary>
public sealed class ConnectionListingTests
{
    private const string Title =
        "IPVS connection entries\n" +
        "pro expire state       source             virtual            destination\n";

    private readonly IpvsadmFormatter _formatter = new(new FakeNameService());

    private static ControlConnectionEntry Tcp(string client, ushort clientPort, string state, uint expires) =>
        new(ControlProtocol.Tcp, client, clientPort, "198.18.0.100", 80, "198.19.0.11", 80, state, expires);

    [Fact]
    public void An_empty_table_is_just_the_title()
    {
        Assert.Equal(Title, _formatter.FormatConnections([], DisplayOptions.Numeric));
    }

    [Fact]
    public void Rows_match_ipvsadm_to_the_character()
    {
        ControlConnectionEntry[] table =
        [
            Tcp("198.18.0.2", 40000, IpvsStateNames.ForTcp(1), 899),
            new(ControlProtocol.Udp, "198.18.0.2", 5353, "198.18.0.100", 53, "198.19.0.12", 53, IpvsStateNames.Udp, 299),
            Tcp("198.18.0.2", 40001, "TIME_WAIT", 18000),
            new(ControlProtocol.Tcp, "198.18.0.2", 0, "198.18.0.100", 80, "198.19.0.13", 80, IpvsStateNames.None, 59, IsTemplate: true),
            new(ControlProtocol.Tcp, "198.18.0.2", 0, null, 0, "198.19.0.11", 0, IpvsStateNames.None, 927, IsTemplate: true, Fwmark: 10),
            new(ControlProtocol.Tcp, "2001:db8::2", 40000, "2001:db8::100", 80, "2001:db8:1::11", 80, "SYN_RECV", 60),
        ];

        var expected = Title +
            "TCP 14:59  ESTABLISHED 198.18.0.2:40000   198.18.0.100:80    198.19.0.11:80\n" +
            "UDP 04:59  UDP         198.18.0.2:5353    198.18.0.100:53    198.19.0.12:53\n" +
            "TCP 300:00 TIME_WAIT   198.18.0.2:40001   198.18.0.100:80    198.19.0.11:80\n" +
            "TCP 00:59  NONE        198.18.0.2:0       198.18.0.100:80    198.19.0.13:80\n" +
            "IP  15:27  NONE        198.18.0.2:0       0.0.0.10:0         198.19.0.11:0\n" +
            "TCP 01:00  SYN_RECV    [2001:db8::2]:40000 [2001:db8::100]:80 [2001:db8:1::11]:80\n";
        Assert.Equal(expected, _formatter.FormatConnections(table, DisplayOptions.Numeric));
    }

    [Fact]
    public void Rows_keep_the_daemon_order()
    {
        var output = _formatter.FormatConnections(
            [Tcp("198.18.0.3", 1, "CLOSE", 5), Tcp("198.18.0.2", 2, "CLOSE", 5)], DisplayOptions.Numeric);

        Assert.True(output.IndexOf("198.18.0.3", StringComparison.Ordinal) < output.IndexOf("198.18.0.2", StringComparison.Ordinal));
    }

    [Fact]
    public void Persistent_conn_adds_engine_columns_only_where_there_is_engine_data()
    {
        ControlConnectionEntry[] table =
        [
            new(ControlProtocol.Udp, "198.18.0.2", 0, "198.18.0.100", 5060, "198.19.0.11", 5060, IpvsStateNames.Assured, 10, true, null, "sip", "call-1"),
            Tcp("198.18.0.2", 40000, "ESTABLISHED", 899),
        ];

        var expected =
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination        pe name          pe_data\n" +
            "UDP 00:10  ASSURED     198.18.0.2:0       198.18.0.100:5060  198.19.0.11:5060 sip                call-1\n" +
            "TCP 14:59  ESTABLISHED 198.18.0.2:40000   198.18.0.100:80    198.19.0.11:80\n";
        Assert.Equal(expected, _formatter.FormatConnections(table, DisplayOptions.Numeric | DisplayOptions.PersistentConn));
    }

    [Fact]
    public void Without_numeric_hosts_and_services_are_named_but_mark_templates_keep_numeric_ports()
    {
        ControlConnectionEntry[] table =
        [
            new(ControlProtocol.Tcp, "198.18.0.2", 40000, "198.18.0.10", 80, "198.18.1.1", 80, "ESTABLISHED", 899),
            new(ControlProtocol.Tcp, "198.18.0.2", 0, null, 0, "198.18.1.1", 0, IpvsStateNames.None, 30, true, 1),
        ];

        var expected = Title +
            "TCP 14:59  ESTABLISHED 198.18.0.2:40000   web.test:http      rs1.test:http\n" +
            "IP  00:30  NONE        198.18.0.2:0       0.0.0.1:0          rs1.test:0\n";
        Assert.Equal(expected, _formatter.FormatConnections(table, DisplayOptions.None));
    }

    [Theory]
    [InlineData(1u, "198.18.0.2", "0.0.0.1")]
    [InlineData(0x01020304u, "198.18.0.2", "1.2.3.4")]
    [InlineData(10u, "2001:db8::2", "0:a::")]
    public void A_mark_is_shown_where_the_kernel_keeps_it(uint mark, string client, string expected)
    {
        Assert.Equal(expected, IpvsadmFormatter.MarkAsAddress(mark, client));
    }
}
