namespace LvsDirector.Control;

/// <summary>Counters (--stats) and per-second rates (--rate) of a service or real server.</summary>
public sealed record TrafficStats(
    ulong Connections,
    ulong InPackets,
    ulong OutPackets,
    ulong InBytes,
    ulong OutBytes,
    ulong ConnectionsPerSecond = 0,
    ulong InPacketsPerSecond = 0,
    ulong OutPacketsPerSecond = 0,
    ulong InBytesPerSecond = 0,
    ulong OutBytesPerSecond = 0)
{
    /// <summary>All zero.</summary>
    public static TrafficStats Zero { get; } = new(0, 0, 0, 0, 0);
}
