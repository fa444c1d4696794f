namespace LvsDirector.Statistics;

/// <summary>
/// Cumulative counters of one service or real server, as the rate estimator samples them. The property
/// names match Services.TrafficCounters so that class can implement this interface as it is.
/// </summary>
public interface ITrafficSource
{
    long Connections { get; }

    long InPackets { get; }

    long OutPackets { get; }

    long InBytes { get; }

    long OutBytes { get; }
}
