using LvsDirector.Admin;
using LvsDirector.Control;
using LvsDirector.Daemon;
using LvsDirector.DataPath;
using LvsDirector.Services;
using LvsDirector.Tests.Admin;
using LvsDirector.Tests.Control;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Daemon;

/// <summary>
/// --tun-type/--tun-port/--tun-*csum reaching lvsd's service table: GUE is applied (the data path reads
/// RealServer.TunnelType/TunnelPort), listed back and saved; what the data path lacks is refused with a clear message.
/// </summary>
public sealed class DirectorControlHandlerTunnelTests : IAsyncLifetime, IDisposable
{
    private static readonly ControlServiceKey Web = new(ControlProtocol.Tcp, "198.18.0.100", 80);
    private static readonly ControlServiceKey Web6 = new(ControlProtocol.Tcp, "2001:db8::100", 80);

    private readonly TempSocketDirectory _directory = new();
    private readonly Director _director;
    private readonly DirectorControlHandler _handler;
    private ControlServer? _server;

    public DirectorControlHandlerTunnelTests()
    {
        _director = new Director(new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 4096 }, NullLoggerFactory.Instance, TimeProvider.System);
        _handler = new DirectorControlHandler(_director);
    }

    private string Socket => _directory.SocketPath();

    public async Task InitializeAsync()
    {
        _server = new ControlServer(Socket, _handler, null, null);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public void Dispose() => _directory.Dispose();

    private ControlResponse Send(ControlRequest request) => _handler.HandleAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    private static ControlServerSpec Tunnel(string address, ControlTunnelType? type = null, ushort? port = null, ControlTunnelChecksum? checksum = null) =>
        new(address, 80, 1, ControlForwardingMethod.Tunnel, null, null, type, port, checksum);

    private RealServer Server(string address) =>
        _director.Services.Current.Services.Single().Servers.Single(s => s.IPAddress.ToString() == address);

    private async Task<(int ExitCode, string Stdout, string Stderr)> Lvsadm(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await LvsDirector.Admin.Program.RunAsync(
            [.. args, "--socket", Socket], input, stdout, stderr, new FakeNameService(), _ => null, CancellationToken.None);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Gue_servers_get_their_port_and_are_listed_with_it()
    {
        Assert.True(Send(new AddServiceRequest(new ControlServiceSpec(Web, "rr"))).Ok);
        Assert.True(Send(new AddServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Gue, 6080))).Ok);
        Assert.True(Send(new AddServerRequest(Web, Tunnel("198.20.0.12", ControlTunnelType.Gue, 6081, ControlTunnelChecksum.NoChecksum))).Ok);
        Assert.True(Send(new AddServerRequest(Web, Tunnel("198.20.0.13"))).Ok);

        Assert.Equal((ForwardingMethod.Tunnel, TunnelType.Gue, (ushort)6080), (Server("198.20.0.11").Method, Server("198.20.0.11").TunnelType, Server("198.20.0.11").TunnelPort));
        Assert.Equal((TunnelType.Gue, (ushort)6081), (Server("198.20.0.12").TunnelType, Server("198.20.0.12").TunnelPort));
        Assert.Equal((TunnelType.Ipip, (ushort)0), (Server("198.20.0.13").TunnelType, Server("198.20.0.13").TunnelPort));

        var listed = Send(new ListRequest(Web)).Listing!.Services.Single().Servers.ToDictionary(s => s.Address);
        Assert.Equal((ControlTunnelType.Gue, (ushort)6080, ControlTunnelChecksum.NoChecksum),
            (listed["198.20.0.11"].TunnelType, listed["198.20.0.11"].TunnelPort, listed["198.20.0.11"].TunnelChecksum));
        Assert.Equal((ControlTunnelType.Ipip, (ushort)0), (listed["198.20.0.13"].TunnelType, listed["198.20.0.13"].TunnelPort));
    }

    [Fact]
    public void Edit_server_switches_between_ipip_and_gue_as_ipvsadm_e_replaces_the_destination()
    {
        Assert.True(Send(new AddServiceRequest(new ControlServiceSpec(Web, "rr"))).Ok);
        Assert.True(Send(new AddServerRequest(Web, Tunnel("198.20.0.11"))).Ok);

        Assert.True(Send(new EditServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Gue, 6080))).Ok);
        Assert.Equal((TunnelType.Gue, (ushort)6080), (Server("198.20.0.11").TunnelType, Server("198.20.0.11").TunnelPort));

        Assert.True(Send(new EditServerRequest(Web, Tunnel("198.20.0.11"))).Ok);
        Assert.Equal((TunnelType.Ipip, (ushort)0), (Server("198.20.0.11").TunnelType, Server("198.20.0.11").TunnelPort));

        Assert.True(Send(new EditServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Gue, 7000) with { Method = ControlForwardingMethod.Tunnel, Weight = 5 })).Ok);
        Assert.True(Send(new EditServerRequest(Web, new ControlServerSpec("198.20.0.11", 80, 5, ControlForwardingMethod.Route))).Ok);
        Assert.Equal((ForwardingMethod.DirectRouting, TunnelType.Ipip, (ushort)0),
            (Server("198.20.0.11").Method, Server("198.20.0.11").TunnelType, Server("198.20.0.11").TunnelPort));
    }

    [Fact]
    public void What_the_data_path_lacks_is_refused_with_a_clear_message()
    {
        Assert.True(Send(new AddServiceRequest(new ControlServiceSpec(Web, "rr"))).Ok);

        var gre = Send(new AddServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Gre)));
        var csum = Send(new AddServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Gue, 6080, ControlTunnelChecksum.Checksum)));
        var remcsum = Send(new AddServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Gue, 6080, ControlTunnelChecksum.RemoteChecksum)));

        Assert.Equal((ControlError.NotSupported, "GRE tunnels (--tun-type gre) are not supported by lvsd: use --tun-type ipip or gue"), (gre.Error, gre.Message));
        Assert.Equal((ControlError.NotSupported, "--tun-csum is not supported: lvsd sends GUE without a UDP checksum (--tun-nocsum)"), (csum.Error, csum.Message));
        Assert.Equal((ControlError.NotSupported, "--tun-remcsum is not supported: lvsd sends GUE without a UDP checksum (--tun-nocsum)"), (remcsum.Error, remcsum.Message));
        Assert.Empty(_director.Services.Current.Services.Single().Servers);
    }

    [Fact]
    public void Gue_to_an_ipv6_real_server_is_refused_because_ipv6_tunnels_are_6in6()
    {
        Assert.True(Send(new AddServiceRequest(new ControlServiceSpec(Web6, "rr"))).Ok);

        var gue = Send(new AddServerRequest(Web6, Tunnel("2001:db8:2::11", ControlTunnelType.Gue, 6080)));

        Assert.Equal(ControlError.NotSupported, gue.Error);
        Assert.Equal("GUE to IPv6 real servers is not supported: lvsd tunnels IPv6 as 6in6 (--tun-type ipip)", gue.Message);
        Assert.True(Send(new AddServerRequest(Web6, Tunnel("2001:db8:2::11", ControlTunnelType.Ipip))).Ok);
    }

    [Fact]
    public void Requests_lvsadm_would_not_send_get_ipvsadms_answers()
    {
        Assert.True(Send(new AddServiceRequest(new ControlServiceSpec(Web, "rr"))).Ok);

        var masq = Send(new AddServerRequest(Web, new ControlServerSpec("198.20.0.11", 80, 1, ControlForwardingMethod.Masq, null, null, ControlTunnelType.Gue, 6080)));
        var noPort = Send(new AddServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Gue)));
        var zeroPort = Send(new AddServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Gue, 0)));
        var ipipPort = Send(new AddServerRequest(Web, Tunnel("198.20.0.11", port: 6080)));
        var ipipCsum = Send(new AddServerRequest(Web, Tunnel("198.20.0.11", ControlTunnelType.Ipip, checksum: ControlTunnelChecksum.Checksum)));

        Assert.Equal((ControlError.InvalidArgument, "Tunnel options conflict with forward method"), (masq.Error, masq.Message));
        Assert.Equal((ControlError.InvalidArgument, "You need to supply the 'tun-port' option for the 'gue' tunnel type"), (noPort.Error, noPort.Message));
        Assert.Equal(ControlError.InvalidArgument, zeroPort.Error);
        Assert.Equal((ControlError.InvalidArgument, "Illegal 'tun-port' option with the 'ipip' tunnel type"), (ipipPort.Error, ipipPort.Message));
        Assert.Equal((ControlError.InvalidArgument, "Illegal 'tun-csum' option with the 'ipip' tunnel type"), (ipipCsum.Error, ipipCsum.Message));
        Assert.Empty(_director.Services.Current.Services.Single().Servers);
    }

    [Fact]
    public async Task Lvsadm_adds_gue_lists_tun_info_and_save_restore_round_trips()
    {
        Assert.Equal((0, string.Empty, string.Empty), await Lvsadm(string.Empty, "-A", "-t", "198.18.0.100:80", "-s", "rr"));
        Assert.Equal((0, string.Empty, string.Empty),
            await Lvsadm(string.Empty, "-a", "-t", "198.18.0.100:80", "-r", "198.20.0.11", "-i", "--tun-type", "gue", "--tun-port", "6080"));
        Assert.Equal((0, string.Empty, string.Empty), await Lvsadm(string.Empty, "-a", "-t", "198.18.0.100:80", "-r", "198.20.0.12", "-i", "-w", "2"));

        var list = await Lvsadm(string.Empty, "-L", "-n", "--tun-info");
        Assert.Equal(
            (0,
                "IP Virtual Server version 1.2.1 (size=4096)\n" +
                "Prot LocalAddress:Port Scheduler Flags\n" +
                "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n" +
                "TCP  198.18.0.100:80 rr\n" +
                "  -> 198.20.0.11:80               Tunnel  gue:6080:-c   1      0          0         \n" +
                "  -> 198.20.0.12:80               Tunnel  ipip          2      0          0         \n",
                string.Empty),
            list);

        const string Saved =
            "-A -t 198.18.0.100:80 -s rr\n" +
            "-a -t 198.18.0.100:80 -r 198.20.0.11:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n" +
            "-a -t 198.18.0.100:80 -r 198.20.0.12:80 -i -w 2 --tun-type ipip\n";
        Assert.Equal((0, Saved, string.Empty), await Lvsadm(string.Empty, "-S", "-n"));

        Assert.Equal(0, (await Lvsadm(string.Empty, "-C")).ExitCode);
        Assert.Empty(_director.Services.Current.Services);
        Assert.Equal((0, string.Empty, string.Empty), await Lvsadm(Saved, "-R"));
        Assert.Equal((TunnelType.Gue, (ushort)6080), (Server("198.20.0.11").TunnelType, Server("198.20.0.11").TunnelPort));
        Assert.Equal((0, Saved, string.Empty), await Lvsadm(string.Empty, "-S", "-n"));
    }

    [Fact]
    public async Task Lvsadm_prints_lvsds_refusals_and_exits_like_a_failed_ipvsadm_command()
    {
        Assert.Equal(0, (await Lvsadm(string.Empty, "-A", "-t", "198.18.0.100:80", "-s", "rr")).ExitCode);

        var gre = await Lvsadm(string.Empty, "-a", "-t", "198.18.0.100:80", "-r", "198.20.0.11", "-i", "--tun-type", "gre");
        var csum = await Lvsadm(string.Empty, "-a", "-t", "198.18.0.100:80", "-r", "198.20.0.11", "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-csum");

        Assert.Equal((ExitCodes.OperationFailed, string.Empty, "GRE tunnels (--tun-type gre) are not supported by lvsd: use --tun-type ipip or gue\n"), gre);
        Assert.Equal((ExitCodes.OperationFailed, string.Empty, "--tun-csum is not supported: lvsd sends GUE without a UDP checksum (--tun-nocsum)\n"), csum);
    }
}
