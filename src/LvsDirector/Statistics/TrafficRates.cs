namespace LvsDirector.Statistics;

/// <summary>Per-second rates as ipvsadm --rate shows them (CPS, InPPS, OutPPS, InBPS, OutBPS).</summary>
public readonly record struct TrafficRates(
    ulong ConnectionsPerSecond,
    ulong InPacketsPerSecond,
    ulong OutPacketsPerSecond,
    ulong InBytesPerSecond,
    ulong OutBytesPerSecond);
