using System.Globalization;
using System.Net.Sockets;

namespace LvsDirector.Health;

/// <summary>Wording shared by checkers and monitors, so every reason reads the same way.</summary>
internal static class HealthCheckText
{
    /// <summary>"connection refused" rather than the runtime's sentence with an errno in it.</summary>
    public static string Socket(SocketException ex) => ex.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.ConnectionReset => "connection reset",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.TimedOut => "timed out",
        _ => ex.Message,
    };

    /// <summary>"5 s" or "500 ms".</summary>
    public static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0 && span >= TimeSpan.FromSeconds(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds} s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMilliseconds} ms");
}
