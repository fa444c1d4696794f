using System.Net.Sockets;
using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

public sealed class ControlServerTests : IDisposable
{
    private readonly TempSocketDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [Fact]
    public async Task Answers_a_request_from_the_client()
    {
        var handler = new RecordingControlHandler((_, _) => ValueTask.FromResult(ControlResponse.FromListing(ControlSamples.Listing)));
        await using var server = new ControlServer(_directory.SocketPath(), handler, null, null);
        await server.StartAsync(Timeout);

        var response = await ControlClient.SendAsync(_directory.SocketPath(), new ListRequest(ControlSamples.TcpKey), Timeout);

        Assert.True(response.Ok);
        Assert.Equal(4096, response.Listing!.ConnectionTableSize);
        var request = Assert.IsType<ListRequest>(Assert.Single(handler.Requests));
        Assert.Equal(ControlSamples.TcpKey, request.Service);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Creates_the_directory_and_makes_the_socket_0660()
    {
        var path = Path.Combine(_directory.Path, "run", "lvsd", "lvsd.sock");
        await using var server = new ControlServer(path, new RecordingControlHandler(), null, null);

        await server.StartAsync(Timeout);

        Assert.True(File.Exists(path));
        Assert.Equal(
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite,
            File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task Replaces_a_stale_socket_file()
    {
        var path = _directory.SocketPath();
        // .NET unlinks the sockets it binds when they are disposed, so a crashed daemon's leftover is
        // simulated by a plain file: to connect() both are the same, a path nobody accepts on.
        await File.WriteAllTextAsync(path, "stale");

        Assert.True(File.Exists(path));
        await using var server = new ControlServer(path, new RecordingControlHandler(), null, null);

        await server.StartAsync(Timeout);

        Assert.True((await ControlClient.SendAsync(path, new ClearRequest(), Timeout)).Ok);
    }

    [Fact]
    public async Task Refuses_to_take_over_a_socket_someone_listens_on()
    {
        var path = _directory.SocketPath();
        await using var first = new ControlServer(path, new RecordingControlHandler(), null, null);
        await first.StartAsync(Timeout);
        await using var second = new ControlServer(path, new RecordingControlHandler(), null, null);

        await Assert.ThrowsAsync<IOException>(() => second.StartAsync(Timeout));

        Assert.True((await ControlClient.SendAsync(path, new ClearRequest(), Timeout)).Ok);
    }

    [Fact]
    public async Task Malformed_json_gets_a_bad_request_answer_and_the_server_goes_on()
    {
        var handler = new RecordingControlHandler();
        await using var server = new ControlServer(_directory.SocketPath(), handler, null, null);
        await server.StartAsync(Timeout);

        var response = await RawControlConnection.ExchangeAsync(_directory.SocketPath(), RawControlConnection.Frame("{\"command\":"u8));

        Assert.False(response.Ok);
        Assert.Equal(ControlError.BadRequest, response.Error);
        Assert.Empty(handler.Requests);
        Assert.True((await ControlClient.SendAsync(_directory.SocketPath(), new ClearRequest(), Timeout)).Ok);
    }

    [Fact]
    public async Task An_oversized_length_is_refused_without_reading_the_payload()
    {
        await using var server = new ControlServer(_directory.SocketPath(), new RecordingControlHandler(), null, null);
        await server.StartAsync(Timeout);

        var response = await RawControlConnection.ExchangeAsync(_directory.SocketPath(), [0x00, 0x10, 0x00, 0x01, (byte)'{']);

        Assert.Equal(ControlError.RequestTooLarge, response.Error);
        Assert.Contains("1048577", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configured_smaller_limit_applies()
    {
        var options = new ControlServerOptions { MaxRequestBytes = 16 };
        await using var server = new ControlServer(_directory.SocketPath(), new RecordingControlHandler(), options, null);
        await server.StartAsync(Timeout);

        var response = await ControlClient.SendAsync(_directory.SocketPath(), new ListRequest(ControlSamples.TcpKey), Timeout);

        Assert.Equal(ControlError.RequestTooLarge, response.Error);
    }

    [Fact]
    public async Task An_unknown_command_is_answered_as_unknown()
    {
        await using var server = new ControlServer(_directory.SocketPath(), new RecordingControlHandler(), null, null);
        await server.StartAsync(Timeout);

        var response = await RawControlConnection.ExchangeAsync(
            _directory.SocketPath(), RawControlConnection.Frame("""{"command":"restore"}"""u8));

        Assert.Equal(ControlError.UnknownCommand, response.Error);
    }

    [Fact]
    public async Task A_connection_closed_mid_frame_does_not_hurt_the_server()
    {
        await using var server = new ControlServer(_directory.SocketPath(), new RecordingControlHandler(), null, null);
        await server.StartAsync(Timeout);
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(_directory.SocketPath()), Timeout);
            await socket.SendAsync(new byte[] { 0, 0, 0, 50, (byte)'{' }, SocketFlags.None, Timeout);
        }

        Assert.True((await ControlClient.SendAsync(_directory.SocketPath(), new ClearRequest(), Timeout)).Ok);
    }

    [Fact]
    public async Task A_client_too_slow_to_send_gets_a_timeout_answer()
    {
        var options = new ControlServerOptions { ReceiveTimeout = TimeSpan.FromMilliseconds(200) };
        await using var server = new ControlServer(_directory.SocketPath(), new RecordingControlHandler(), options, null);
        await server.StartAsync(Timeout);

        var response = await RawControlConnection.ExchangeAsync(_directory.SocketPath(), [0, 0]);

        Assert.Equal(ControlError.Timeout, response.Error);
    }

    [Fact]
    public async Task A_throwing_handler_becomes_an_internal_error()
    {
        var handler = new RecordingControlHandler((request, _) => request is ClearRequest
            ? throw new InvalidOperationException("table is on fire")
            : ValueTask.FromResult(ControlResponse.Success()));
        await using var server = new ControlServer(_directory.SocketPath(), handler, null, null);
        await server.StartAsync(Timeout);

        var failed = await ControlClient.SendAsync(_directory.SocketPath(), new ClearRequest(), Timeout);
        var next = await ControlClient.SendAsync(_directory.SocketPath(), new ZeroRequest(), Timeout);

        Assert.Equal(ControlError.Internal, failed.Error);
        Assert.Equal("table is on fire", failed.Message);
        Assert.True(next.Ok);
    }

    [Fact]
    public async Task Serves_many_clients_at_once()
    {
        var inFlight = 0;
        var maxInFlight = 0;
        var handler = new RecordingControlHandler(async (request, ct) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            await Task.Delay(100, ct);
            Interlocked.Decrement(ref inFlight);
            var port = ((DeleteServerRequest)request).Port;
            return ControlResponse.Failure(ControlError.NoSuchDestination, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        await using var server = new ControlServer(_directory.SocketPath(), handler, null, null);
        await server.StartAsync(Timeout);

        var responses = await Task.WhenAll(Enumerable.Range(1, 24).Select(port =>
            ControlClient.SendAsync(_directory.SocketPath(), new DeleteServerRequest(ControlSamples.TcpKey, "198.18.1.1", (ushort)port), Timeout)));

        Assert.Equal(Enumerable.Range(1, 24).Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)), responses.Select(r => r.Message));
        Assert.Equal(24, handler.Requests.Count);
        Assert.True(maxInFlight > 1, $"requests were served one at a time (max in flight {maxInFlight})");
    }

    [Fact]
    public async Task Stopping_removes_the_socket_and_clients_then_get_a_clear_error()
    {
        var path = _directory.SocketPath();
        var server = new ControlServer(path, new RecordingControlHandler(), null, null);
        await server.StartAsync(Timeout);

        await server.StopAsync(Timeout);
        await server.DisposeAsync();

        Assert.False(File.Exists(path));
        var ex = await Assert.ThrowsAsync<ControlConnectionException>(() => ControlClient.SendAsync(path, new ClearRequest(), Timeout));
        Assert.Equal(path, ex.SocketPath);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("no such file", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_file_without_a_listener_is_reported_as_refused()
    {
        var path = _directory.SocketPath();
        // .NET unlinks the sockets it binds when they are disposed, so a crashed daemon's leftover is
        // simulated by a plain file: to connect() both are the same, a path nobody accepts on.
        await File.WriteAllTextAsync(path, "stale");

        var ex = await Assert.ThrowsAsync<ControlConnectionException>(() => ControlClient.SendAsync(path, new ClearRequest(), Timeout));

        Assert.Equal("connection refused", ex.Reason);
    }

    [Fact]
    public async Task Starting_twice_is_an_error()
    {
        await using var server = new ControlServer(_directory.SocketPath(), new RecordingControlHandler(), null, null);
        await server.StartAsync(Timeout);

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.StartAsync(Timeout));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value
               && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
