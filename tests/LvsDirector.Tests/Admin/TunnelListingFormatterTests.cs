using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>
/// -L --tun-info and -S for tunnelled servers, from ipvsadm 1.31's formats: title "  -> RemoteAddress:Port
/// Forward TunnelInfo    Weight ActiveConn InActConn", rows "  -> %-28s %-7s %-13s %-6d %-10u %-10u" with
/// fwd_tun_info ("ipip", "gue:PORT:-c|+c|r+c", "gre:-c|+c", "n/a"), and print_tunnel_rule's -S lines.
/// </summary>
public sealed class TunnelListingFormatterTests
{
    private static readonly ControlServiceKey Web = new(ControlProtocol.Tcp, "198.18.0.10", 80);

    private readonly IpvsadmFormatter _formatter = new(new FakeNameService());

    private static ServerEntry Tunnel(string address, ControlTunnelType? type, ushort port = 0,
        ControlTunnelChecksum checksum = ControlTunnelChecksum.NoChecksum, uint active = 0, uint inactive = 0) =>
        new(address, 80, ControlForwardingMethod.Tunnel, 1, active, inactive, TunnelType: type, TunnelPort: port, TunnelChecksum: checksum);

    private static ControlListing Table() => new("1.2.1", 4096,
    [
        new ServiceEntry(Web, "rr", ServiceAttributes.None, 0, null, null,
        [
            Tunnel("198.20.0.15", ControlTunnelType.Gue, 65535, ControlTunnelChecksum.RemoteChecksum),
            Tunnel("198.20.0.11", ControlTunnelType.Gue, 6080, active: 2, inactive: 3),
            Tunnel("198.20.0.12", null),
            new ServerEntry("198.20.0.13", 80, ControlForwardingMethod.Route, 0, 0, 0),
            Tunnel("198.20.0.14", ControlTunnelType.Gre, checksum: ControlTunnelChecksum.Checksum),
        ],
        TrafficStats.Zero),
    ]);

    [Fact]
    public void Tun_info_adds_a_tunnel_column_to_the_listing()
    {
        var expected =
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n" +
            "TCP  198.18.0.10:80 rr\n" +
            "  -> 198.20.0.11:80               Tunnel  gue:6080:-c   1      2          3         \n" +
            "  -> 198.20.0.12:80               Tunnel  ipip          1      0          0         \n" +
            "  -> 198.20.0.13:80               Route   n/a           0      0          0         \n" +
            "  -> 198.20.0.14:80               Tunnel  gre:+c        1      0          0         \n" +
            "  -> 198.20.0.15:80               Tunnel  gue:65535:r+c 1      0          0         \n";

        Assert.Equal(expected, _formatter.FormatAll(Table(), DisplayOptions.Numeric | DisplayOptions.TunInfo));
    }

    [Fact]
    public void Without_tun_info_the_listing_is_unchanged()
    {
        var listing = _formatter.FormatAll(Table(), DisplayOptions.Numeric);

        Assert.Contains("  -> 198.20.0.11:80               Tunnel  1      2          3         \n", listing, StringComparison.Ordinal);
        Assert.DoesNotContain("gue", listing, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_take_precedence_over_tun_info_as_in_print_title()
    {
        var listing = _formatter.FormatAll(Table(), DisplayOptions.Numeric | DisplayOptions.Stats | DisplayOptions.TunInfo);

        Assert.Equal(_formatter.FormatAll(Table(), DisplayOptions.Numeric | DisplayOptions.Stats), listing);
    }

    [Fact]
    public void Tunnel_info_names_local_and_nat_servers_not_applicable()
    {
        Assert.Equal("n/a", IpvsadmFormatter.TunnelInfo(new ServerEntry("198.20.0.1", 80, ControlForwardingMethod.Local, 1, 0, 0)));
        Assert.Equal("n/a", IpvsadmFormatter.TunnelInfo(new ServerEntry("198.20.0.1", 80, ControlForwardingMethod.Masq, 1, 0, 0,
            TunnelType: ControlTunnelType.Gue, TunnelPort: 6080)));
        Assert.Equal("gue:6080:+c", IpvsadmFormatter.TunnelInfo(Tunnel("198.20.0.1", ControlTunnelType.Gue, 6080, ControlTunnelChecksum.Checksum)));
        Assert.Equal("gre:-c", IpvsadmFormatter.TunnelInfo(Tunnel("198.20.0.1", ControlTunnelType.Gre)));
    }

    [Fact]
    public void Save_names_the_tunnel_type_of_every_tunnelled_server()
    {
        var expected =
            "-A -t 198.18.0.10:80 -s rr\n" +
            "-a -t 198.18.0.10:80 -r 198.20.0.11:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n" +
            "-a -t 198.18.0.10:80 -r 198.20.0.12:80 -i -w 1 --tun-type ipip\n" +
            "-a -t 198.18.0.10:80 -r 198.20.0.13:80 -g -w 0\n" +
            "-a -t 198.18.0.10:80 -r 198.20.0.14:80 -i -w 1 --tun-type gre --tun-csum\n" +
            "-a -t 198.18.0.10:80 -r 198.20.0.15:80 -i -w 1 --tun-type gue --tun-port 65535 --tun-remcsum\n";

        Assert.Equal(expected, _formatter.FormatAll(Table(), DisplayOptions.Numeric | DisplayOptions.Rule));
    }

    [Fact]
    public void Saved_rules_parse_back_to_the_same_tunnel_settings()
    {
        var saved = _formatter.FormatAll(Table(), DisplayOptions.Numeric | DisplayOptions.Rule);
        var parser = new CommandLineParser(new FakeNameService());
        var servers = Table().Services[0].Servers.ToDictionary(s => s.Address);

        var checkedLines = 0;
        foreach (var line in saved.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("-a ", StringComparison.Ordinal)))
        {
            var spec = Assert.IsType<AddServerRequest>(CommandExecutor.BuildRequest(parser.Parse(line.Split(' ')))).Server;
            var entry = servers[spec.Address];
            Assert.Equal(entry.Method, spec.Method);
            if (entry.Method == ControlForwardingMethod.Tunnel)
            {
                Assert.Equal(entry.TunnelType ?? ControlTunnelType.Ipip, spec.TunnelType);
                Assert.Equal(entry.TunnelType == ControlTunnelType.Gue ? entry.TunnelPort : null, spec.TunnelPort);
                Assert.Equal(entry.TunnelType is ControlTunnelType.Gue or ControlTunnelType.Gre ? entry.TunnelChecksum : null, spec.TunnelChecksum);
            }
            else
            {
                Assert.Equal((null, null, null), (spec.TunnelType, spec.TunnelPort, spec.TunnelChecksum));
            }

            checkedLines++;
        }

        Assert.Equal(5, checkedLines);
    }
}
