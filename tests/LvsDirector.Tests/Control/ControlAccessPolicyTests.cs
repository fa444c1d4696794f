using LvsDirector.Control;

namespace LvsDirector.Tests.Control;

public sealed class ControlAccessPolicyTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lvsd-accounts-").FullName;
    private readonly UnixAccounts _accounts;

    public ControlAccessPolicyTests()
    {
        File.WriteAllLines(Path.Combine(_directory, "group"),
        [
            "root:x:0:",
            "# a comment",
            "lvsadm:x:990:alice, bob",
            "staff:x:50:",
        ]);
        File.WriteAllLines(Path.Combine(_directory, "passwd"),
        [
            "root:x:0:0:root:/root:/bin/bash",
            "alice:x:1001:1001::/home/alice:/bin/sh",
            "carol:x:1003:990::/home/carol:/bin/sh",
            "dave:x:1004:1004::/home/dave:/bin/sh",
        ]);
        _accounts = new UnixAccounts(Path.Combine(_directory, "group"), Path.Combine(_directory, "passwd"));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Finds_groups_by_name_and_number()
    {
        var group = _accounts.FindGroup("lvsadm");

        Assert.NotNull(group);
        Assert.Equal(990u, group.Id);
        Assert.Equal(["alice", "bob"], group.Members);
        Assert.Equal("lvsadm", _accounts.FindGroup("990")!.Name);
        Assert.Equal(12345u, _accounts.FindGroup("12345")!.Id);
        Assert.Null(_accounts.FindGroup("nosuchgroup"));
    }

    [Theory]
    [InlineData(0u, 0u, true)]        // root
    [InlineData(500u, 500u, true)]    // the daemon's own user
    [InlineData(1001u, 1001u, true)]  // alice: listed member
    [InlineData(1003u, 1003u, true)]  // carol: primary group in passwd
    [InlineData(1004u, 990u, true)]   // dave running with the group as effective gid
    [InlineData(1004u, 1004u, false)] // dave: no relation to the group
    [InlineData(4242u, 4242u, false)] // a uid without a passwd line
    public void Admits_root_the_daemon_user_and_group_members(uint uid, uint gid, bool allowed)
    {
        var policy = new ControlAccessPolicy(500, _accounts.FindGroup("lvsadm"), _accounts);

        Assert.Equal(allowed, policy.IsAllowed(new PeerCredentials(1, uid, gid)));
    }

    [Fact]
    public void Without_a_group_only_root_and_the_daemon_user_are_admitted()
    {
        var policy = new ControlAccessPolicy(500, null, _accounts);

        Assert.True(policy.IsAllowed(new PeerCredentials(1, 0, 0)));
        Assert.True(policy.IsAllowed(new PeerCredentials(1, 500, 500)));
        Assert.False(policy.IsAllowed(new PeerCredentials(1, 1001, 990)));
    }

    [Fact]
    public void Membership_is_read_again_on_every_check()
    {
        var policy = new ControlAccessPolicy(500, _accounts.FindGroup("lvsadm"), _accounts);
        Assert.True(policy.IsAllowed(new PeerCredentials(1, 1001, 1001)));

        File.WriteAllLines(Path.Combine(_directory, "group"), ["lvsadm:x:990:bob"]);

        Assert.False(policy.IsAllowed(new PeerCredentials(1, 1001, 1001)));
    }

    [Fact]
    public async Task Unknown_group_fails_the_start()
    {
        using var directory = new TempSocketDirectory();
        await using var server = new ControlServer(
            directory.SocketPath(),
            new RecordingControlHandler(),
            new ControlServerOptions { SocketGroup = "nosuchgroup", ChangeSocketGroup = (_, _) => { }, Accounts = _accounts },
            null);

        var error = await Assert.ThrowsAsync<IOException>(() => server.StartAsync(CancellationToken.None));

        Assert.Contains("nosuchgroup", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(directory.SocketPath()));
    }

    [Fact]
    public async Task Reads_the_peer_credentials_of_a_connection()
    {
        using var directory = new TempSocketDirectory();
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(directory.SocketPath()));
        listener.Listen(1);
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await client.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(directory.SocketPath()));
        using var accepted = await listener.AcceptAsync();

        Assert.True(PeerCredentials.TryRead(accepted, out var peer));

        Assert.Equal(Environment.ProcessId, peer.ProcessId);
        Assert.Equal(UnixAccounts.CurrentEffectiveUserId(), peer.UserId);
    }
}
