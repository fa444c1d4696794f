using System.Net.Sockets;
using System.Text;

namespace LvsDirector.Daemon;

/// <summary>
/// sd_notify without libsystemd: one datagram per state change to the socket named by $NOTIFY_SOCKET.
/// A leading '@' names a socket in the abstract namespace. Does nothing when the variable is unset,
/// which is the case outside systemd and for Type=simple units.
/// </summary>
internal sealed class SystemdNotifier
{
    public const string EnvironmentVariable = "NOTIFY_SOCKET";

    private readonly string? _socketPath;

    public SystemdNotifier(string? socketPath)
    {
        _socketPath = string.IsNullOrEmpty(socketPath) ? null : socketPath;
    }

    public bool IsEnabled => _socketPath is not null;

    public static SystemdNotifier FromEnvironment() => new(Environment.GetEnvironmentVariable(EnvironmentVariable));

    /// <summary>Sends <paramref name="state"/> (e.g. "READY=1"); false when notification is off.</summary>
    /// <exception cref="SocketException">The notify socket refused the datagram.</exception>
    public bool Notify(string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (_socketPath is null)
        {
            return false;
        }

        // .NET spells the abstract namespace with a leading NUL, systemd with a leading '@'.
        var path = _socketPath[0] == '@' ? string.Concat("\0", _socketPath.AsSpan(1)) : _socketPath;
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.SendTo(Encoding.UTF8.GetBytes(state), new UnixDomainSocketEndPoint(path));
        return true;
    }
}
