using System.Diagnostics;
using System.Globalization;
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
    public const string WatchdogUsecVariable = "WATCHDOG_USEC";
    public const string WatchdogPidVariable = "WATCHDOG_PID";

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

    /// <summary>
    /// CLOCK_MONOTONIC in microseconds, what systemd expects in MONOTONIC_USEC. On Linux the Stopwatch
    /// timestamp is CLOCK_MONOTONIC itself.
    /// </summary>
    public static long MonotonicMicroseconds()
    {
        var ticks = Stopwatch.GetTimestamp();
        return Stopwatch.Frequency % 1_000_000 == 0
            ? ticks / (Stopwatch.Frequency / 1_000_000)
            : (long)(ticks * (1_000_000.0 / Stopwatch.Frequency));
    }

    /// <summary>
    /// The watchdog timeout systemd set for this process: $WATCHDOG_USEC when positive and $WATCHDOG_PID, if set,
    /// names <paramref name="processId"/> (the variables may be inherited by a child that is not the service).
    /// </summary>
    public static TimeSpan? WatchdogTimeout(string? watchdogUsec, string? watchdogPid, int processId)
    {
        if (string.IsNullOrEmpty(watchdogUsec)
            || !long.TryParse(watchdogUsec, NumberStyles.None, CultureInfo.InvariantCulture, out var usec)
            || usec <= 0)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(watchdogPid)
            && (!int.TryParse(watchdogPid, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid != processId))
        {
            return null;
        }

        return TimeSpan.FromMicroseconds(usec);
    }

    public static TimeSpan? WatchdogTimeoutFromEnvironment() => WatchdogTimeout(
        Environment.GetEnvironmentVariable(WatchdogUsecVariable),
        Environment.GetEnvironmentVariable(WatchdogPidVariable),
        Environment.ProcessId);
}
