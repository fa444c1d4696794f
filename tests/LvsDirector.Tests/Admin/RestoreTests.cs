using LvsDirector.Admin;
using LvsDirector.Control;
using LvsDirector.Tests.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>lvsadm -R against a real ControlServer with the fake director behind it.</summary>
public sealed class RestoreTests : IAsyncLifetime, IDisposable
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

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string stdin, params string[] args)
    {
        using var input = new StringReader(stdin);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = await Program.RunAsync(
            [.. args, "--socket", Socket], input, stdout, stderr, new FakeNameService(), _ => null, CancellationToken.None);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private static ServiceEntry Service(
        ControlServiceKey key,
        string scheduler,
        ServiceAttributes flags = ServiceAttributes.None,
        uint timeout = 0,
        string? mask = null,
        string? engine = null,
        params ServerEntry[] servers) =>
        new(key, scheduler, flags, timeout, mask, engine, servers, TrafficStats.Zero);

    private static ServerEntry Server(string address, ushort port, ControlForwardingMethod method, int weight) =>
        new(address, port, method, weight, 0, 0);

    /// <summary>A table using every rule -S can write.</summary>
    private static ControlListing Table() => new(
        "1.2.1",
        4096,
        [
            Service(new(ControlProtocol.Tcp, "198.18.0.100", 80), "rr", servers:
            [
                Server("198.19.0.11", 80, ControlForwardingMethod.Masq, 1),
                Server("198.19.0.12", 8080, ControlForwardingMethod.Masq, 3),
                Server("198.19.0.13", 80, ControlForwardingMethod.Route, 0),
            ]),
            Service(new(ControlProtocol.Udp, "198.18.0.100", 53), "wlc", ServiceAttributes.Persistent | ServiceAttributes.OnePacket, 5, "255.255.255.0",
                servers: [Server("198.19.0.11", 53, ControlForwardingMethod.Tunnel, 2)]),
            Service(new(ControlProtocol.Udp, "198.18.0.100", 5060), "rr", ServiceAttributes.Persistent, 300, engine: "sip"),
            Service(new(ControlProtocol.Tcp, "198.18.0.101", 0), "lc", ServiceAttributes.Persistent, 300,
                servers: [Server("198.19.0.12", 0, ControlForwardingMethod.Masq, 1)]),
            Service(new(ControlProtocol.Tcp, null, 0, 1), "rr", ServiceAttributes.Persistent, 60,
                servers: [Server("198.19.0.11", 0, ControlForwardingMethod.Masq, 1), Server("198.19.0.12", 0, ControlForwardingMethod.Masq, 1)]),
            Service(new(ControlProtocol.Tcp, null, 0, 2, true), "sh", ServiceAttributes.Scheduler2),
            Service(new(ControlProtocol.Tcp, "2001:db8::100", 443), "mh", ServiceAttributes.Scheduler1 | ServiceAttributes.Scheduler2),
        ]);

    [Fact]
    public async Task Save_then_restore_then_save_gives_the_same_rules()
    {
        var saved = new IpvsadmFormatter(new FakeNameService()).FormatAll(Table(), DisplayOptions.Rule | DisplayOptions.Numeric);
        Assert.Equal(
            "-A -t 198.18.0.100:80 -s rr\n" +
            "-a -t 198.18.0.100:80 -r 198.19.0.11:80 -m -w 1\n" +
            "-a -t 198.18.0.100:80 -r 198.19.0.12:8080 -m -w 3\n" +
            "-a -t 198.18.0.100:80 -r 198.19.0.13:80 -g -w 0\n" +
            "-A -t 198.18.0.101:0 -s lc -p 300\n" +
            "-a -t 198.18.0.101:0 -r 198.19.0.12:0 -m -w 1\n" +
            "-A -u 198.18.0.100:53 -s wlc -p 5 -M 255.255.255.0 -o\n" +
            "-a -u 198.18.0.100:53 -r 198.19.0.11:53 -i -w 2 --tun-type ipip\n" +
            "-A -u 198.18.0.100:5060 -s rr -p 300 --pe sip\n" +
            "-A -t [2001:db8::100]:443 -s mh -b mh-fallback,mh-port\n" +
            "-A -f 1 -s rr -p 60\n" +
            "-a -f 1 -r 198.19.0.11:0 -m -w 1\n" +
            "-a -f 1 -r 198.19.0.12:0 -m -w 1\n" +
            "-A -f 2 -6 -s sh -b sh-port\n",
            saved);

        var restore = await RunAsync(saved, "-R");
        Assert.Equal((0, string.Empty, string.Empty), restore);
        var again = await RunAsync(string.Empty, "-S", "-n");

        Assert.Equal((0, string.Empty), (again.ExitCode, again.Stderr));
        Assert.Equal(saved, again.Stdout);
        Assert.Equal(14, _handler.Requests.Count(r => r is AddServiceRequest or AddServerRequest));
    }

    [Fact]
    public async Task Saved_names_restore_through_the_resolver()
    {
        var saved = "-A -t web.test:http -s wrr\n-a -t web.test:http -r rs1.test:http -m -w 2\n";

        Assert.Equal((0, string.Empty, string.Empty), await RunAsync(saved, "-R"));
        var names = await RunAsync(string.Empty, "-S");
        var numbers = await RunAsync(string.Empty, "-S", "-n");

        Assert.Equal(saved, names.Stdout);
        Assert.Equal("-A -t 198.18.0.10:80 -s wrr\n-a -t 198.18.0.10:80 -r 198.18.1.1:80 -m -w 2\n", numbers.Stdout);
    }

    [Fact]
    public async Task Threshold_and_mark_lines_become_the_same_requests_as_on_the_command_line()
    {
        var input =
            "-A -f 1 -s rr -p 60 -M 255.255.255.0\n" +
            "-a -f 1 -r 198.19.0.11 -m -w 5 -x 100 -y 50\n" +
            "-e -f 1 -r 198.19.0.11 -m -w 4 -x 90\n";

        Assert.Equal((0, string.Empty, string.Empty), await RunAsync(input, "-R"));

        var mark = new ControlServiceKey(ControlProtocol.Tcp, null, 0, 1);
        Assert.Equal(
            [
                new AddServiceRequest(new ControlServiceSpec(mark, "rr", 60, "255.255.255.0")),
                new AddServerRequest(mark, new ControlServerSpec("198.19.0.11", 0, 5, ControlForwardingMethod.Masq, 100, 50)),
                new EditServerRequest(mark, new ControlServerSpec("198.19.0.11", 0, 4, ControlForwardingMethod.Masq, 90)),
            ],
            _handler.Requests);
    }

    [Fact]
    public async Task A_refused_line_stops_the_restore_with_ipvsadms_message_and_the_line()
    {
        var input =
            "-A -t 198.18.0.100:80 -s rr\n" +
            "-a -t 198.18.0.100:80 -r 198.19.0.11 -m\n" +
            "\n" +
            "-a -t 198.18.0.101:80 -r 198.19.0.11 -m\n" +
            "-A -t 198.18.0.102:80 -s rr\n";

        var result = await RunAsync(input, "-R");

        Assert.Equal(255, result.ExitCode);
        Assert.Equal("Service not defined\nlvsadm: restore stopped at line 4: -a -t 198.18.0.101:80 -r 198.19.0.11 -m\n", result.Stderr);
        Assert.Equal(3, _handler.Requests.Count);
    }

    [Fact]
    public async Task A_bad_line_stops_before_anything_is_sent_for_it()
    {
        var input = "-A -t 198.18.0.100:80 -s rr\n-A -t 198.18.0.101:80 -s rr -w 3\n-C\n";

        var result = await RunAsync(input, "-R");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            "Illegal 'weight' option with the 'add-service' command\nlvsadm: restore stopped at line 2: -A -t 198.18.0.101:80 -s rr -w 3\n",
            result.Stderr);
        Assert.IsType<AddServiceRequest>(Assert.Single(_handler.Requests));
    }

    [Fact]
    public async Task Restore_inside_restore_is_refused_like_ipvsadm()
    {
        var result = await RunAsync("-R\n", "-R");

        Assert.Equal(255, result.ExitCode);
        Assert.StartsWith("Try `lvsadm -h' or 'lvsadm --help' for more information.\nlvsadm: restore stopped at line 1: -R\n", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Empty_input_restores_nothing_and_succeeds()
    {
        Assert.Equal((0, string.Empty, string.Empty), await RunAsync(string.Empty, "-R"));
        Assert.Empty(_handler.Requests);
    }

    [Fact]
    public async Task Connection_listing_goes_through_the_socket()
    {
        _handler.Connections.Add(new ControlConnectionEntry(
            ControlProtocol.Tcp, "198.18.0.2", 40000, "198.18.0.100", 80, "198.19.0.11", 80, "ESTABLISHED", 899));

        var result = await RunAsync(string.Empty, "-L", "-n", "-c");

        Assert.Equal((0, string.Empty), (result.ExitCode, result.Stderr));
        Assert.Equal(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n" +
            "TCP 14:59  ESTABLISHED 198.18.0.2:40000   198.18.0.100:80    198.19.0.11:80\n",
            result.Stdout);
        Assert.IsType<ListConnectionsRequest>(Assert.Single(_handler.Requests));
    }
}
