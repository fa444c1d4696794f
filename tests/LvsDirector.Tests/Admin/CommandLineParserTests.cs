using System.Net;
using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

public sealed class CommandLineParserTests
{
    private const string Vip = "198.18.0.10:80";

    private static AdminCommand Parse(params string[] args) => new CommandLineParser(new FakeNameService()).Parse(args);

    private static CommandLineException Fails(params string[] args) =>
        Assert.Throws<CommandLineException>(() => Parse(args));

    [Fact]
    public void No_arguments_list_the_table_with_names()
    {
        var command = Parse();

        Assert.Equal(AdminCommandKind.List, command.Kind);
        Assert.Equal(DisplayOptions.None, command.Format);
        Assert.Null(command.Service);
    }

    [Fact]
    public void Only_a_socket_still_lists_the_table()
    {
        var command = Parse("--socket", "/tmp/x.sock");

        Assert.Equal(AdminCommandKind.List, command.Kind);
        Assert.Equal("/tmp/x.sock", command.SocketPath);
    }

    [Fact]
    public void Add_service_defaults_to_wlc()
    {
        var command = Parse("-A", "-t", Vip);

        Assert.Equal(AdminCommandKind.AddService, command.Kind);
        Assert.Equal(new ControlServiceKey(ControlProtocol.Tcp, "198.18.0.10", 80), command.Service);
        Assert.Equal("wlc", command.Scheduler);
        Assert.Null(command.PersistenceTimeout);
        Assert.False(command.OnePacket);
    }

    [Fact]
    public void Edit_service_also_defaults_to_wlc_as_ipvsadm_does()
    {
        Assert.Equal("wlc", Parse("-E", "-t", Vip).Scheduler);
    }

    [Fact]
    public void Clustered_short_options_and_attached_values_work()
    {
        var command = Parse("-At", Vip, "-srr", "-p600");

        Assert.Equal(AdminCommandKind.AddService, command.Kind);
        Assert.Equal("rr", command.Scheduler);
        Assert.Equal(600u, command.PersistenceTimeout);
    }

    [Fact]
    public void Long_options_take_values_with_equals_or_separately()
    {
        var command = Parse("--add-service", "--udp-service=198.18.0.10:53", "--scheduler", "sh", "--sched-flags=sh-port,sh-fallback", "--ops");

        Assert.Equal(new ControlServiceKey(ControlProtocol.Udp, "198.18.0.10", 53), command.Service);
        Assert.Equal("sh", command.Scheduler);
        Assert.Equal(["sh-port", "sh-fallback"], command.SchedulerFlags);
        Assert.True(command.OnePacket);
    }

    [Fact]
    public void Persistence_without_a_value_is_300_seconds()
    {
        Assert.Equal(300u, Parse("-A", "-t", Vip, "-p").PersistenceTimeout);
        Assert.Equal(300u, Parse("-A", "-t", Vip, "-p", "-s", "rr").PersistenceTimeout);
        Assert.Equal(30u, Parse("-A", "-t", Vip, "-p", "30").PersistenceTimeout);
        Assert.Equal(45u, Parse("-A", "-t", Vip, "--persistent=45").PersistenceTimeout);
    }

    [Fact]
    public void Persistence_allows_port_zero_and_a_netmask()
    {
        var command = Parse("-A", "-t", "198.18.0.10:0", "-p", "-M", "255.255.255.0");

        Assert.Equal((ushort)0, command.Service!.Port);
        Assert.Equal("255.255.255.0", command.Netmask);
    }

    [Fact]
    public void An_ipv6_netmask_is_a_prefix_length()
    {
        var command = Parse("-A", "-t", "[2001:db8::1]:443", "-p", "-M", "64");

        Assert.Equal("2001:db8::1", command.Service!.Address);
        Assert.Equal("64", command.Netmask);
    }

    [Fact]
    public void Names_are_resolved_when_not_numeric()
    {
        var command = Parse("-A", "-t", "web.test:http");

        Assert.Equal(new ControlServiceKey(ControlProtocol.Tcp, "198.18.0.10", 80), command.Service);
    }

    [Fact]
    public void Fwmark_services_parse_with_ipv6()
    {
        var command = Parse("-A", "-f", "7", "-6", "-s", "rr");

        Assert.Equal(new ControlServiceKey(ControlProtocol.Tcp, null, 0, 7, true), command.Service);
    }

    [Fact]
    public void Delete_service_and_clear()
    {
        Assert.Equal(AdminCommandKind.DeleteService, Parse("-D", "-t", Vip).Kind);
        Assert.Equal(AdminCommandKind.Clear, Parse("-C").Kind);
        Assert.Equal(AdminCommandKind.Clear, Parse("--clear").Kind);
    }

    [Fact]
    public void Add_server_defaults_to_direct_routing_weight_one_and_the_service_port()
    {
        var command = Parse("-a", "-t", Vip, "-r", "198.18.1.1");

        Assert.Equal(AdminCommandKind.AddServer, command.Kind);
        Assert.Equal(IPAddress.Parse("198.18.1.1"), command.ServerAddress);
        Assert.Equal((ushort)80, command.ServerPort);
        Assert.Equal(ControlForwardingMethod.Route, command.Method);
        Assert.Equal(1, command.Weight);
    }

    [Fact]
    public void Masquerading_keeps_its_own_port()
    {
        var command = Parse("-a", "-t", Vip, "-r", "198.18.1.1:8080", "-m", "-w", "3");

        Assert.Equal((ushort)8080, command.ServerPort);
        Assert.Equal(ControlForwardingMethod.Masq, command.Method);
        Assert.Equal(3, command.Weight);
    }

    [Theory]
    [InlineData("-g", ControlForwardingMethod.Route)]
    [InlineData("-i", ControlForwardingMethod.Tunnel)]
    [InlineData("--gatewaying", ControlForwardingMethod.Route)]
    [InlineData("--ipip", ControlForwardingMethod.Tunnel)]
    public void Direct_routing_and_tunnelling_use_the_service_port(string method, ControlForwardingMethod expected)
    {
        var command = Parse("-a", "-t", Vip, "-r", "198.18.1.1:8080", method);

        Assert.Equal((ushort)80, command.ServerPort);
        Assert.Equal(expected, command.Method);
    }

    [Fact]
    public void The_real_server_may_come_before_the_service()
    {
        var command = Parse("-a", "-r", "198.18.1.1", "-t", Vip, "-m");

        Assert.Equal((ushort)80, command.ServerPort);
    }

    [Fact]
    public void Edit_server_carries_thresholds()
    {
        var command = Parse("-e", "-t", Vip, "-r", "198.18.1.1:8080", "-m", "-w", "0", "-x", "100", "-y", "50");

        Assert.Equal(AdminCommandKind.EditServer, command.Kind);
        Assert.Equal(0, command.Weight);
        Assert.Equal(100u, command.UpperThreshold);
        Assert.Equal(50u, command.LowerThreshold);
    }

    [Fact]
    public void Delete_server_uses_the_service_port_when_none_is_given()
    {
        var command = Parse("-d", "-t", Vip, "-r", "198.18.1.1");

        Assert.Equal(AdminCommandKind.DeleteServer, command.Kind);
        Assert.Equal((ushort)80, command.ServerPort);
    }

    [Fact]
    public void Tunnelling_may_mix_address_families()
    {
        var command = Parse("-a", "-t", Vip, "-r", "[2001:db8::2]:80", "-i");

        Assert.Equal(IPAddress.Parse("2001:db8::2"), command.ServerAddress);
    }

    [Theory]
    [InlineData("-Ln")]
    [InlineData("-ln")]
    [InlineData("-L", "-n")]
    [InlineData("--list", "--numeric")]
    [InlineData("-l", "--numeric")]
    public void List_numeric_spellings(params string[] args)
    {
        var command = Parse(args);

        Assert.Equal(AdminCommandKind.List, command.Kind);
        Assert.Equal(DisplayOptions.Numeric, command.Format);
    }

    [Fact]
    public void List_one_service()
    {
        var command = Parse("-L", "-n", "-t", Vip);

        Assert.Equal(new ControlServiceKey(ControlProtocol.Tcp, "198.18.0.10", 80), command.Service);
    }

    [Fact]
    public void List_display_options()
    {
        var command = Parse("-L", "--stats", "--exact", "--nosort", "--sort");

        Assert.Equal(DisplayOptions.Stats | DisplayOptions.Exact | DisplayOptions.NoSort, command.Format);
        Assert.Equal(DisplayOptions.Rate, Parse("-L", "--rate").Format);
        Assert.Equal(DisplayOptions.Thresholds, Parse("-L", "--thresholds").Format);
        Assert.Equal(DisplayOptions.PersistentConn, Parse("-L", "--persistent-conn").Format);
        Assert.True(Parse("-L", "--timeout").ListTimeouts);
    }

    [Fact]
    public void Save_zero_and_set()
    {
        Assert.Equal(AdminCommandKind.Save, Parse("-S").Kind);
        Assert.Equal(DisplayOptions.Numeric, Parse("-S", "-n").Format);
        Assert.Null(Parse("-Z").Service);
        Assert.NotNull(Parse("-Z", "-t", Vip).Service);
        Assert.Equal(new ControlTimeouts(900, 120, 300), Parse("--set", "900", "120", "300").Timeouts);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("--help")]
    public void Help(string arg)
    {
        Assert.Equal(AdminCommandKind.Help, Parse(arg).Kind);
    }

    [Theory]
    [InlineData("-v")]
    [InlineData("--version")]
    public void Version(string arg)
    {
        Assert.Equal(AdminCommandKind.Version, Parse(arg).Kind);
    }

    [Fact]
    public void The_socket_may_appear_anywhere()
    {
        Assert.Equal("/tmp/a.sock", Parse("--socket", "/tmp/a.sock", "-Ln").SocketPath);
        Assert.Equal("/tmp/b.sock", Parse("-Ln", "--socket=/tmp/b.sock").SocketPath);
    }

    [Theory]
    [InlineData("-n", "-L")]
    [InlineData("--bogus")]
    [InlineData("-t", Vip, "-A")]
    [InlineData("80")]
    [InlineData("--list=1")]
    public void A_command_must_come_first_or_ipvsadm_only_says_try_help(params string[] args)
    {
        var ex = Fails(args);

        Assert.True(ex.ShowTryHelp);
        Assert.Equal(255, ex.ExitCode);
    }

    [Theory]
    [InlineData("--bogus: unknown option", "-L", "--bogus")]
    [InlineData("-Lq: unknown option", "-Lq")]
    [InlineData("-t: missing argument", "-A", "-t")]
    [InlineData("--scheduler: missing argument", "-A", "-t", Vip, "--scheduler")]
    [InlineData("--numeric=1: option does not take an argument", "-L", "--numeric=1")]
    public void Popt_errors_exit_255(string message, params string[] args)
    {
        var ex = Fails(args);

        Assert.False(ex.ShowTryHelp);
        Assert.Equal(message, ex.Message);
        Assert.Equal(255, ex.ExitCode);
    }

    [Theory]
    [InlineData("multiple commands specified", "-A", "-E")]
    [InlineData("multiple commands specified", "-L", "-C")]
    [InlineData("invalid option `-h'", "-L", "-h")]
    [InlineData("multiple 'scheduler' options specified", "-A", "-t", Vip, "-s", "rr", "-s", "wlc")]
    [InlineData("multiple 'service-address' options specified", "-A", "-t", Vip, "-u", Vip)]
    [InlineData("multiple 'forwarding-method' options specified", "-a", "-t", Vip, "-r", "198.18.1.1", "-m", "-g")]
    [InlineData("illegal virtual server address[:port] specified", "-A", "-t", "unknown.test:80")]
    [InlineData("illegal virtual server address[:port] specified", "-A", "-t", "198.18.0.10:99999")]
    [InlineData("illegal virtual server address[:port] specified", "-A", "-t", "[2001:db8::1]")]
    [InlineData("illegal real server address[:port] specified", "-a", "-t", Vip, "-r", "unknown.test")]
    [InlineData("illegal weight specified", "-a", "-t", Vip, "-r", "198.18.1.1", "-w", "-1")]
    [InlineData("illegal weight specified", "-a", "-t", Vip, "-r", "198.18.1.1", "-w", "heavy")]
    [InlineData("illegal u_threshold specified", "-a", "-t", Vip, "-r", "198.18.1.1", "-x", "lots")]
    [InlineData("illegal l_threshold specified", "-a", "-t", Vip, "-r", "198.18.1.1", "-y", "few")]
    [InlineData("invalid timeout value `0' specified", "-A", "-t", Vip, "-p", "0")]
    [InlineData("invalid timeout value `2678401' specified", "-A", "-t", Vip, "-p", "2678401")]
    [InlineData("Zero port specified for non-persistent service", "-A", "-t", "198.18.0.10")]
    [InlineData("Zero port specified for non-persistent service", "-E", "-t", "198.18.0.10:0")]
    [InlineData("One-Packet Scheduling is only for UDP virtual services", "-A", "-t", Vip, "-o")]
    [InlineData("illegal virtual server persistent mask specified", "-A", "-t", Vip, "-p", "-M", "unknown.test")]
    [InlineData("illegal ipv6 netmask specified", "-A", "-t", "[2001:db8::1]:80", "-p", "-M", "129")]
    [InlineData("invalid scheduler flag `foo'", "-A", "-t", Vip, "-b", "foo")]
    [InlineData("incompatible scheduler flag `mh-port'", "-A", "-t", Vip, "-s", "sh", "-b", "mh-port")]
    [InlineData("incompatible scheduler flag `sh-port'", "-A", "-t", Vip, "-b", "sh-port")]
    [InlineData("You need to supply the 'service-address' option for the 'add-service' command", "-A")]
    [InlineData("You need to supply the 'service-address' option for the 'delete-service' command", "-D")]
    [InlineData("You need to supply the 'real-server' option for the 'add-server' command", "-a", "-t", Vip)]
    [InlineData("You need to supply the 'service-address' option for the 'delete-server' command", "-d", "-r", "198.18.1.1")]
    [InlineData("Illegal 'numeric' option with the 'add-service' command", "-A", "-t", Vip, "-n")]
    [InlineData("Illegal 'numeric' option with the 'add-service' command", "-A", "-n")]
    [InlineData("Illegal 'real-server' option with the 'add-service' command", "-A", "-t", Vip, "-r", "198.18.1.1")]
    [InlineData("Illegal 'weight' option with the 'edit-service' command", "-E", "-t", Vip, "-w", "1")]
    [InlineData("Illegal 'scheduler' option with the 'add-server' command", "-a", "-t", Vip, "-r", "198.18.1.1", "-s", "rr")]
    [InlineData("Illegal 'forwarding-method' option with the 'delete-server' command", "-d", "-t", Vip, "-r", "198.18.1.1", "-m")]
    [InlineData("Illegal 'numeric' option with the 'flush' command", "-C", "-n")]
    [InlineData("Illegal 'scheduler' option with the 'list' command", "-L", "-s", "rr")]
    [InlineData("Illegal 'service-address' option with the 'save' command", "-S", "-t", Vip)]
    [InlineData("Illegal 'persistent' option with the 'zero' command", "-Z", "-p")]
    [InlineData("Illegal 'service-address' option with the 'set' command", "--set", "1", "2", "3", "-t", Vip)]
    [InlineData("The option 'timeout' conflicts with the 'service-address' option in the 'list' command", "-L", "-t", Vip, "--timeout")]
    [InlineData("options conflicts in the list command", "-L", "--timeout", "--stats")]
    [InlineData("unexpected argument extra", "-A", "-t", Vip, "extra")]
    [InlineData("unexpected argument 4", "--set", "1", "2", "3", "4")]
    [InlineData("--set option requires 3 timeout values", "--set", "1", "2")]
    [InlineData("invalid timeout value `x' specified", "--set", "1", "2", "x")]
    [InlineData("invalid fwmark value `0' specified", "-A", "-f", "0")]
    [InlineData("-6 used before -f", "-A", "-t", Vip, "-6")]
    [InlineData("Different address family is allowed only for tunneling servers", "-a", "-t", Vip, "-r", "[2001:db8::2]:80", "-m")]
    public void Usage_errors_use_ipvsadm_words_and_exit_2(string message, params string[] args)
    {
        var ex = Fails(args);

        Assert.Equal(message, ex.Message);
        Assert.Equal(2, ex.ExitCode);
        Assert.False(ex.ShowTryHelp);
    }
}
