using System.Globalization;
using LvsDirector.Control;
using LvsDirector.Interop.Linux;

namespace LvsDirector.Tests.Control;

/// <summary>
/// The control socket's access rules against real processes running as throwaway users: root and group
/// members are served, anyone else is refused with PermissionDenied (or by the 0660 file mode already).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ControlAccessTests : IDisposable
{
    // Sends the framed request in argv[2] (hex) to argv[1]; prints the answer's hex, or CONNECT <errno>.
    private const string ClientScript = """
        import socket, sys
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(sys.argv[1])
        except OSError as e:
            print("CONNECT", e.errno); sys.exit(0)
        s.sendall(bytes.fromhex(sys.argv[2]))
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk: break
            data += chunk
        print("ANSWER", data.hex())
        """;

    private readonly TempSocketDirectory _directory = new();

    public ControlAccessTests()
    {
        // The throwaway users must be able to reach the socket inside the temp directory.
        File.SetUnixFileMode(_directory.Path, (UnixFileMode)0b111_101_101);
    }

    public void Dispose() => _directory.Dispose();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [RootOnlyFact]
    public async Task Socket_file_belongs_to_the_configured_group()
    {
        using var accounts = new ThrowawayAccounts();
        await using var server = await StartAsync(accounts.GroupName, mode: null);

        var stat = ThrowawayAccounts.Run("stat", "-c", "%u %g %a", server.SocketPath).Trim();

        Assert.Equal($"0 {accounts.GroupId} 660", stat);
    }

    [RootOnlyFact]
    public async Task Member_of_the_group_is_served()
    {
        using var accounts = new ThrowawayAccounts();
        var user = accounts.AddUser("m", member: true);
        var handler = new RecordingControlHandler();
        await using var server = await StartAsync(accounts.GroupName, mode: null, handler);

        // --init-groups: the member's process carries the group as a supplementary group, as after a login.
        var response = RunClient(server.SocketPath, "--init-groups", user.Uid, user.Gid);

        Assert.True(response.Ok, response.Message);
        Assert.Single(handler.Requests);
    }

    [RootOnlyFact]
    public async Task Non_member_is_refused_with_permission_denied_by_the_peer_check()
    {
        using var accounts = new ThrowawayAccounts();
        var user = accounts.AddUser("n", member: false);
        var handler = new RecordingControlHandler();

        // 0666 lets the non-member past the file mode, so only SO_PEERCRED stands in the way.
        await using var server = await StartAsync(accounts.GroupName, mode: (UnixFileMode)0b110_110_110, handler);
        var response = RunClient(server.SocketPath, "--clear-groups", user.Uid, user.Gid);

        Assert.False(response.Ok);
        Assert.Equal(ControlError.PermissionDenied, response.Error);
        Assert.Empty(handler.Requests);
    }

    [RootOnlyFact]
    public async Task Non_member_cannot_even_connect_through_the_0660_file_mode()
    {
        using var accounts = new ThrowawayAccounts();
        var user = accounts.AddUser("f", member: false);
        await using var server = await StartAsync(accounts.GroupName, mode: null);

        var output = RunClientRaw(server.SocketPath, "--clear-groups", user.Uid, user.Gid);

        Assert.Equal("CONNECT 13", output); // EACCES
    }

    [RootOnlyFact]
    public async Task Member_listed_in_etc_group_is_served_even_without_the_supplementary_group()
    {
        using var accounts = new ThrowawayAccounts();
        var user = accounts.AddUser("l", member: true);
        await using var server = await StartAsync(accounts.GroupName, mode: (UnixFileMode)0b110_110_110);

        // The process dropped its groups, but /etc/group lists the user: the rule is membership, not this process.
        var response = RunClient(server.SocketPath, "--clear-groups", user.Uid, user.Gid);

        Assert.True(response.Ok, response.Message);
    }

    [RootOnlyFact]
    public async Task Root_is_served()
    {
        using var accounts = new ThrowawayAccounts();
        await using var server = await StartAsync(accounts.GroupName, mode: null);

        var response = await ControlClient.SendAsync(server.SocketPath, new ClearRequest(), Timeout);

        Assert.True(response.Ok);
    }

    private async Task<ControlServer> StartAsync(string group, UnixFileMode? mode, RecordingControlHandler? handler = null)
    {
        var options = new ControlServerOptions
        {
            SocketGroup = group,
            ChangeSocketGroup = UnixFileOwnership.ChangeGroup,
            SocketFileMode = mode ?? new ControlServerOptions().SocketFileMode,
        };
        var server = new ControlServer(_directory.SocketPath(), handler ?? new RecordingControlHandler(), options, null);
        await server.StartAsync(Timeout);
        return server;
    }

    private static ControlResponse RunClient(string socketPath, string groupsOption, uint uid, uint gid)
    {
        var output = RunClientRaw(socketPath, groupsOption, uid, gid);
        Assert.StartsWith("ANSWER ", output, StringComparison.Ordinal);
        var bytes = Convert.FromHexString(output["ANSWER ".Length..]);
        return ControlMessageCodec.DeserializeResponse(bytes.AsSpan(ControlFraming.HeaderLength));
    }

    private static string RunClientRaw(string socketPath, string groupsOption, uint uid, uint gid)
    {
        var request = RawControlConnection.Frame(ControlMessageCodec.SerializeRequest(new ClearRequest()));
        var (code, stdout, stderr) = ThrowawayAccounts.Execute(
            "setpriv",
            "--reuid=" + uid.ToString(CultureInfo.InvariantCulture),
            "--regid=" + gid.ToString(CultureInfo.InvariantCulture),
            groupsOption,
            "/usr/bin/python3", "-c", ClientScript, socketPath, Convert.ToHexString(request));
        Assert.True(code == 0, $"client failed ({code}): {stderr}");
        return stdout.Trim();
    }
}
