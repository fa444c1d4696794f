using LvsDirector.Admin;
using LvsDirector.Control;
using LvsDirector.Tests.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>lvsadm's entry point against a real ControlServer on a Unix socket, with a fake director behind it.</summary>
public sealed class LvsadmEndToEndTests : IAsyncLifetime, IDisposable
{
    private readonly TempSocketDirectory _directory = new();
    private readonly FakeDirectorHandler _handler = new();
    private ControlServer? _server;

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

    private (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = Program.Run([.. args, "--socket", Socket], stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static void Succeeds((int ExitCode, string Stdout, string Stderr) result)
    {
        Assert.Equal(string.Empty, result.Stderr);
        Assert.Equal(0, result.ExitCode);
    }

    [Fact]
    public void Builds_a_table_and_lists_it_like_ipvsadm()
    {
        Succeeds(Run("-A", "-t", "198.18.0.10:80", "-s", "rr"));
        Succeeds(Run("-a", "-t", "198.18.0.10:80", "-r", "198.18.1.2:8080", "-m", "-w", "3"));
        Succeeds(Run("-a", "-t", "198.18.0.10:80", "-r", "198.18.1.1:8080", "-m"));
        Succeeds(Run("-A", "-u", "198.18.0.10:53", "-p", "-M", "255.255.255.0"));
        Succeeds(Run("-a", "-u", "198.18.0.10:53", "-r", "198.18.1.3"));

        var list = Run("-Ln");

        Succeeds(list);
        Assert.Equal(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  198.18.0.10:80 rr\n" +
            "  -> 198.18.1.1:8080              Masq    1      0          0         \n" +
            "  -> 198.18.1.2:8080              Masq    3      0          0         \n" +
            "UDP  198.18.0.10:53 wlc persistent 300 mask 255.255.255.0\n" +
            "  -> 198.18.1.3:53                Route   1      0          0         \n",
            list.Stdout);
    }

    [Fact]
    public void Sends_ipvsadm_defaults_to_the_daemon()
    {
        Succeeds(Run("-A", "-t", "198.18.0.10:80"));
        Succeeds(Run("-a", "-t", "198.18.0.10:80", "-r", "198.18.1.1:9999"));

        var addService = Assert.IsType<AddServiceRequest>(_handler.Requests[0]);
        Assert.Equal("wlc", addService.Service.Scheduler);
        var addServer = Assert.IsType<AddServerRequest>(_handler.Requests[1]);
        Assert.Equal(new ControlServerSpec("198.18.1.1", 80, 1, ControlForwardingMethod.Route), addServer.Server);
    }

    [Fact]
    public void Lists_one_service_and_saves_rules()
    {
        Succeeds(Run("-A", "-t", "198.18.0.10:80", "-s", "wrr"));
        Succeeds(Run("-a", "-t", "198.18.0.10:80", "-r", "198.18.1.1", "-w", "5"));

        var one = Run("-L", "-n", "-t", "198.18.0.10:80");
        var save = Run("-S", "-n");

        Succeeds(one);
        Assert.Equal(
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  198.18.0.10:80 wrr\n" +
            "  -> 198.18.1.1:80                Route   5      0          0         \n",
            one.Stdout);
        Succeeds(save);
        Assert.Equal("-A -t 198.18.0.10:80 -s wrr\n-a -t 198.18.0.10:80 -r 198.18.1.1:80 -g -w 5\n", save.Stdout);
    }

    [Fact]
    public void Edits_and_deletes()
    {
        Succeeds(Run("-A", "-t", "198.18.0.10:80", "-s", "rr"));
        Succeeds(Run("-a", "-t", "198.18.0.10:80", "-r", "198.18.1.1"));
        Succeeds(Run("-e", "-t", "198.18.0.10:80", "-r", "198.18.1.1", "-w", "0"));
        Succeeds(Run("-E", "-t", "198.18.0.10:80", "-s", "lc"));

        Assert.Contains("TCP  198.18.0.10:80 lc\n  -> 198.18.1.1:80                Route   0 ", Run("-Ln").Stdout, StringComparison.Ordinal);

        Succeeds(Run("-d", "-t", "198.18.0.10:80", "-r", "198.18.1.1"));
        Succeeds(Run("-D", "-t", "198.18.0.10:80"));
        Succeeds(Run("-C"));
        Assert.Equal(3, Run("-Ln").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Lists_timeouts()
    {
        var result = Run("-L", "--timeout");

        Succeeds(result);
        Assert.Equal("Timeout (tcp tcpfin udp): 900 120 300\n", result.Stdout);
    }

    [Theory]
    [InlineData("Service already exists", "-A", "-t", "198.18.0.10:80")]
    [InlineData("Scheduler or persistence engine not found", "-A", "-t", "198.18.0.11:80", "-s", "nosuch")]
    [InlineData("No such service", "-E", "-t", "198.18.0.11:80")]
    [InlineData("No such service", "-D", "-t", "198.18.0.11:80")]
    [InlineData("Service not defined", "-a", "-t", "198.18.0.11:80", "-r", "198.18.1.1")]
    [InlineData("Service not defined", "-d", "-t", "198.18.0.11:80", "-r", "198.18.1.1")]
    [InlineData("Destination already exists", "-a", "-t", "198.18.0.10:80", "-r", "198.18.1.1")]
    [InlineData("No such destination", "-e", "-t", "198.18.0.10:80", "-r", "198.18.1.9")]
    [InlineData("No such destination", "-d", "-t", "198.18.0.10:80", "-r", "198.18.1.9")]
    [InlineData("Operation not supported with IPv6", "-a", "-t", "198.18.0.10:80", "-r", "[2001:db8::1]:80", "-i")]
    public void Refused_changes_print_ipvsadm_errors_and_exit_255(string message, params string[] args)
    {
        Succeeds(Run("-A", "-t", "198.18.0.10:80"));
        Succeeds(Run("-a", "-t", "198.18.0.10:80", "-r", "198.18.1.1"));

        var result = Run(args);

        Assert.Equal(message + "\n", result.Stderr);
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(255, result.ExitCode);
    }

    [Fact]
    public void Listing_a_missing_service_exits_1()
    {
        var result = Run("-L", "-n", "-t", "198.18.0.99:80");

        Assert.Equal("No such service\n", result.Stderr);
        Assert.Equal(1, result.ExitCode);
    }

    [Fact]
    public void Usage_errors_never_reach_the_daemon()
    {
        var result = Run("-A", "-t", "198.18.0.10:80", "-w", "1");

        Assert.Equal("Illegal 'weight' option with the 'add-service' command\n", result.Stderr);
        Assert.Equal(2, result.ExitCode);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public void A_command_in_the_wrong_place_prints_try_help()
    {
        var result = Run("-n", "-L");

        Assert.Equal("Try `lvsadm -h' or 'lvsadm --help' for more information.\n", result.Stderr);
        Assert.Equal(255, result.ExitCode);
    }

    [Fact]
    public void Help_and_version_go_to_stdout()
    {
        var help = Run("-h");
        var version = Run("--version");

        Succeeds(help);
        Assert.Contains("Usage:\n  lvsadm -A|E virtual-service", help.Stdout, StringComparison.Ordinal);
        Assert.Contains("--socket PATH", help.Stdout, StringComparison.Ordinal);
        Succeeds(version);
        Assert.StartsWith("lvsadm v1.31", version.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_daemon_is_named_and_exits_2()
    {
        var missing = Path.Combine(_directory.Path, "nobody-home.sock");
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = Program.Run(["-L", "-n", "--socket", missing], stdout, stderr);

        Assert.Equal(2, exitCode);
        Assert.Contains(missing, stderr.ToString(), StringComparison.Ordinal);
        Assert.StartsWith("Can't initialize ipvs: ", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout.ToString());
    }

    [Fact]
    public async Task The_environment_variable_picks_the_socket()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = await Program.RunAsync(
            ["-C"], stdout, stderr, new FakeNameService(), name => name == "LVSADM_SOCKET" ? Socket : null, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.IsType<ClearRequest>(Assert.Single(_handler.Requests));
    }

    [Fact]
    public async Task Without_numeric_addresses_and_ports_are_named()
    {
        Succeeds(Run("-A", "-t", "198.18.0.10:80", "-s", "rr"));
        Succeeds(Run("-a", "-t", "198.18.0.10:80", "-r", "198.18.1.1"));
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exitCode = await Program.RunAsync(
            ["--socket", Socket], stdout, stderr, new FakeNameService(), _ => null, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.EndsWith(
            "TCP  web.test:http rr\n" +
            "  -> rs1.test:http                Route   1      0          0         \n",
            stdout.ToString(),
            StringComparison.Ordinal);
    }
}
