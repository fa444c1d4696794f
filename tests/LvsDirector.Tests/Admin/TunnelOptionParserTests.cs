using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>
/// --tun-type, --tun-port, --tun-nocsum/--tun-csum/--tun-remcsum and --tun-info as ipvsadm 1.31 reads them: its
/// command/option table, "Tunnel options conflict with forward method", and tunnel_opt_check's table
/// (ipip: no tunnel options; gue: --tun-port required, one checksum option; gre: no port, no remcsum).
/// </summary>
public sealed class TunnelOptionParserTests
{
    private const string Vip = "198.18.0.10:80";
    private const string Rs = "198.20.0.11";

    private static AdminCommand Parse(params string[] args) => new CommandLineParser(new FakeNameService()).Parse(args);

    private static string Fails(params string[] args)
    {
        var ex = Assert.Throws<CommandLineException>(() => Parse(args));
        Assert.Equal(ExitCodes.Failure, ex.ExitCode);
        return ex.Message;
    }

    private static string[] AddServer(params string[] options) => ["-a", "-t", Vip, "-r", Rs, .. options];

    [Fact]
    public void Gue_with_a_port_is_carried_into_the_add_server_request()
    {
        var command = Parse(AddServer("-i", "--tun-type", "gue", "--tun-port", "6080"));

        Assert.Equal(ControlForwardingMethod.Tunnel, command.Method);
        Assert.Equal(ControlTunnelType.Gue, command.TunnelType);
        Assert.Equal((ushort)6080, command.TunnelPort);
        Assert.Null(command.TunnelChecksum);
        var request = Assert.IsType<AddServerRequest>(CommandExecutor.BuildRequest(command));
        Assert.Equal(
            new ControlServerSpec(Rs, 80, 1, ControlForwardingMethod.Tunnel, null, null, ControlTunnelType.Gue, 6080, null),
            request.Server);
    }

    [Fact]
    public void Edit_server_takes_the_same_options_and_each_checksum_option()
    {
        var nocsum = Parse(["-e", "-t", Vip, "-r", Rs, "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-nocsum"]);
        var csum = Parse(AddServer("--ipip", "--tun-type=gue", "--tun-port=1", "--tun-csum"));
        var remcsum = Parse(AddServer("-i", "--tun-type", "gue", "--tun-port", "65535", "--tun-remcsum"));
        var gre = Parse(AddServer("-i", "--tun-type", "gre", "--tun-csum"));

        Assert.Equal(AdminCommandKind.EditServer, nocsum.Kind);
        Assert.Equal(ControlTunnelChecksum.NoChecksum, nocsum.TunnelChecksum);
        Assert.Equal(ControlTunnelChecksum.Checksum, csum.TunnelChecksum);
        Assert.Equal((ushort)1, csum.TunnelPort);
        Assert.Equal(ControlTunnelChecksum.RemoteChecksum, remcsum.TunnelChecksum);
        Assert.Equal((ushort)65535, remcsum.TunnelPort);
        Assert.Equal(ControlTunnelType.Gre, gre.TunnelType);
        Assert.Null(gre.TunnelPort);
        var request = Assert.IsType<EditServerRequest>(CommandExecutor.BuildRequest(nocsum));
        Assert.Equal(ControlTunnelChecksum.NoChecksum, request.Server.TunnelChecksum);
    }

    [Fact]
    public void Plain_ipip_sends_no_tunnel_options_and_explicit_ipip_is_accepted()
    {
        var plain = Parse(AddServer("-i"));
        var named = Parse(AddServer("-i", "--tun-type", "ipip"));

        Assert.Null(plain.TunnelType);
        Assert.Equal(ControlTunnelType.Ipip, named.TunnelType);
        var spec = Assert.IsType<AddServerRequest>(CommandExecutor.BuildRequest(plain)).Server;
        Assert.Equal((null, null, null), (spec.TunnelType, spec.TunnelPort, spec.TunnelChecksum));
    }

    [Theory]
    [InlineData("-m")]
    [InlineData("-g")]
    [InlineData(null)]
    public void Tunnel_options_need_ipip_forwarding(string? method)
    {
        string[] options = method is null ? ["--tun-port", "6080"] : [method, "--tun-type", "gue", "--tun-port", "6080"];

        Assert.Equal("Tunnel options conflict with forward method", Fails(AddServer(options)));
        Assert.Equal("Tunnel options conflict with forward method", Fails(AddServer("-m", "--tun-nocsum")));
    }

    [Theory]
    [InlineData("You need to supply the 'tun-port' option for the 'gue' tunnel type", "--tun-type", "gue")]
    [InlineData("You need to supply the 'tun-port' option for the 'gue' tunnel type", "--tun-type", "gue", "--tun-csum")]
    [InlineData("Illegal 'tun-port' option with the 'ipip' tunnel type", "--tun-port", "6080")]
    [InlineData("Illegal 'tun-port' option with the 'ipip' tunnel type", "--tun-type", "ipip", "--tun-port", "6080")]
    [InlineData("Illegal 'tun-nocsum' option with the 'ipip' tunnel type", "--tun-nocsum")]
    [InlineData("Illegal 'tun-csum' option with the 'ipip' tunnel type", "--tun-type", "ipip", "--tun-csum")]
    [InlineData("Illegal 'tun-remcsum' option with the 'ipip' tunnel type", "--tun-remcsum")]
    [InlineData("Illegal 'tun-port' option with the 'gre' tunnel type", "--tun-type", "gre", "--tun-port", "6080")]
    [InlineData("Illegal 'tun-remcsum' option with the 'gre' tunnel type", "--tun-type", "gre", "--tun-remcsum")]
    [InlineData("The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gue' tunnel type",
        "--tun-type", "gue", "--tun-port", "6080", "--tun-csum", "--tun-nocsum")]
    [InlineData("The option 'tun-remcsum' conflicts with the 'tun-csum' option in the 'gue' tunnel type",
        "--tun-type", "gue", "--tun-port", "6080", "--tun-remcsum", "--tun-csum")]
    [InlineData("The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type",
        "--tun-type", "gre", "--tun-nocsum", "--tun-csum")]
    public void Tunnel_type_rules_and_messages_are_ipvsadms(string message, params string[] options)
    {
        Assert.Equal(message, Fails(AddServer(["-i", .. options])));
    }

    [Theory]
    [InlineData("GUE")]
    [InlineData("vxlan")]
    [InlineData("")]
    public void Unknown_tunnel_types_are_illegal(string type)
    {
        Assert.Equal("illegal tunnel type specified", Fails(AddServer("-i", "--tun-type", type)));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("http")]
    public void Tunnel_ports_are_numbers_from_1_to_65535(string port)
    {
        Assert.Equal("illegal tunnel port specified", Fails(AddServer("-i", "--tun-type", "gue", "--tun-port", port)));
    }

    [Fact]
    public void Each_tunnel_option_is_given_once()
    {
        Assert.Equal("multiple 'tun-type' options specified", Fails(AddServer("-i", "--tun-type", "gue", "--tun-type", "gue")));
        Assert.Equal("multiple 'tun-port' options specified", Fails(AddServer("-i", "--tun-port", "1", "--tun-port", "1")));
    }

    [Fact]
    public void Other_commands_refuse_tunnel_options_by_ipvsadms_table()
    {
        Assert.Equal("Illegal 'tun-type' option with the 'add-service' command", Fails("-A", "-t", Vip, "--tun-type", "gue"));
        Assert.Equal("Illegal 'tun-port' option with the 'delete-server' command", Fails("-d", "-t", Vip, "-r", Rs, "--tun-port", "6080"));
        Assert.Equal("Illegal 'tun-info' option with the 'add-server' command", Fails(AddServer("-i", "--tun-info")));
        Assert.Equal("Illegal 'tun-nocsum' option with the 'list' command", Fails("-L", "--tun-nocsum"));
        Assert.Equal("Illegal 'tun-info' option with the 'save' command", Fails("-S", "--tun-info"));
    }

    [Fact]
    public void Different_address_family_is_checked_before_tunnel_options()
    {
        Assert.Equal(
            "Different address family is allowed only for tunneling servers",
            Fails("-a", "-t", Vip, "-r", "[2001:db8::11]:80", "-m", "--tun-port", "6080"));
    }

    [Fact]
    public void List_tun_info_is_a_display_option()
    {
        var command = Parse("-L", "-n", "--tun-info");

        Assert.Equal(AdminCommandKind.List, command.Kind);
        Assert.Equal(DisplayOptions.Numeric | DisplayOptions.TunInfo, command.Format);
    }

    [Fact]
    public void Help_lists_the_tunnel_options_as_ipvsadm_does()
    {
        var usage = UsageText.Usage("lvsadm");

        Assert.Contains(
            "  --masquerading -m                   masquerading (NAT)\n" +
            "  --tun-type      type                one of ipip|gue|gre,\n" +
            "                                      the default tunnel type is ipip.\n" +
            "  --tun-port      port                tunnel destination port\n" +
            "  --tun-nocsum                        tunnel encapsulation without checksum\n" +
            "  --tun-csum                          tunnel encapsulation with checksum\n" +
            "  --tun-remcsum                       tunnel encapsulation with remote checksum\n",
            usage,
            StringComparison.Ordinal);
        Assert.Contains("  --tun-info                          output of tunnel information\n", usage, StringComparison.Ordinal);
    }
}
