using System.Net.Sockets;
using System.Text;
using LvsDirector.Daemon;

namespace LvsDirector.Tests.Daemon;

public sealed class SystemdNotifierTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lvsd-notify-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void SendsStateToAPathSocket()
    {
        var path = Path.Combine(_directory, "notify.sock");
        using var receiver = Bind(path);

        Assert.True(new SystemdNotifier(path).Notify("READY=1"));

        Assert.Equal("READY=1", Receive(receiver));
    }

    [Fact]
    public void AtSignMeansAbstractNamespace()
    {
        var name = $"lvsd-test-{Guid.NewGuid():N}";
        using var receiver = Bind("\0" + name);
        var notifier = new SystemdNotifier("@" + name);

        notifier.Notify("READY=1");
        notifier.Notify("STOPPING=1");

        Assert.Equal("READY=1", Receive(receiver));
        Assert.Equal("STOPPING=1", Receive(receiver));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void DoesNothingWithoutNotifySocket(string? socket)
    {
        var notifier = new SystemdNotifier(socket);

        Assert.False(notifier.IsEnabled);
        Assert.False(notifier.Notify("READY=1"));
    }

    [Fact]
    public void MissingSocketIsAnError()
    {
        var notifier = new SystemdNotifier(Path.Combine(_directory, "absent.sock"));

        Assert.ThrowsAny<SocketException>(() => notifier.Notify("READY=1"));
    }

    private static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        socket.ReceiveTimeout = 5000;
        return socket;
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[256];
        var length = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
