namespace LvsDirector.Statistics;

/// <summary>
/// The kernel's IPVS rate estimator (net/netfilter/ipvs/ip_vs_est.c) for one counter set. Every
/// <see cref="Interval"/> a tick takes the difference of the cumulative counters since the previous tick and
/// folds it into an exponentially weighted average with weight 1/4: avg += (rate - avg) >> 2. Connection and
/// packet averages are kept scaled by 2^10, byte averages by 2^5 (bytes need the headroom, not the precision);
/// because the interval is 2 s the per-second scaled rate is delta << 9 and delta << 4. Reading rounds the way
/// ip_vs_read_estimator does: (avg + 0x1FF) >> 10 and (avg + 0xF) >> 5.
/// </summary>
/// <remarks>
/// Like the kernel, a tick always counts as exactly 2 s, whenever it actually runs. Ticks and reads may come
/// from different threads; a lock per estimator is fine at one tick per 2 s and one read per lvsadm call.
/// </remarks>
public sealed class RateEstimator
{
    /// <summary>The kernel estimator's period (2*HZ).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    private readonly ITrafficSource _source;
    private readonly Lock _lock = new();

    private long _lastConnections;
    private long _lastInPackets;
    private long _lastOutPackets;
    private long _lastInBytes;
    private long _lastOutBytes;

    // Averages per second, scaled by 2^10 (connections, packets) and 2^5 (bytes).
    private long _connectionsAverage;
    private long _inPacketsAverage;
    private long _outPacketsAverage;
    private long _inBytesAverage;
    private long _outBytesAverage;

    /// <summary>
    /// Starts from the source's current counters, so traffic counted before the estimator existed does not
    /// show up as a burst in the first interval.
    /// </summary>
    public RateEstimator(ITrafficSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        RememberCurrent();
    }

    /// <summary>The counters this estimator samples.</summary>
    public ITrafficSource Source => _source;

    /// <summary>One estimation step (the kernel's estimation_timer body for this counter set).</summary>
    public void Tick()
    {
        lock (_lock)
        {
            var connections = _source.Connections;
            var inPackets = _source.InPackets;
            var outPackets = _source.OutPackets;
            var inBytes = _source.InBytes;
            var outBytes = _source.OutBytes;

            // Counters only go down when someone zeroed them (ipvsadm -Z) without telling us: do what
            // ip_vs_zero_estimator does rather than read the wrap-around as an enormous rate.
            if (connections < _lastConnections || inPackets < _lastInPackets || outPackets < _lastOutPackets
                || inBytes < _lastInBytes || outBytes < _lastOutBytes)
            {
                ZeroLocked(connections, inPackets, outPackets, inBytes, outBytes);
                return;
            }

            _connectionsAverage = Smooth(_connectionsAverage, (connections - _lastConnections) << 9);
            _inPacketsAverage = Smooth(_inPacketsAverage, (inPackets - _lastInPackets) << 9);
            _outPacketsAverage = Smooth(_outPacketsAverage, (outPackets - _lastOutPackets) << 9);
            _inBytesAverage = Smooth(_inBytesAverage, (inBytes - _lastInBytes) << 4);
            _outBytesAverage = Smooth(_outBytesAverage, (outBytes - _lastOutBytes) << 4);

            _lastConnections = connections;
            _lastInPackets = inPackets;
            _lastOutPackets = outPackets;
            _lastInBytes = inBytes;
            _lastOutBytes = outBytes;
        }
    }

    /// <summary>The current rates, rounded as the kernel reports them.</summary>
    public TrafficRates Read()
    {
        lock (_lock)
        {
            return new TrafficRates(
                Unscale(_connectionsAverage, 0x1FF, 10),
                Unscale(_inPacketsAverage, 0x1FF, 10),
                Unscale(_outPacketsAverage, 0x1FF, 10),
                Unscale(_inBytesAverage, 0xF, 5),
                Unscale(_outBytesAverage, 0xF, 5));
        }
    }

    /// <summary>ipvsadm -Z (ip_vs_zero_estimator): rates to zero, and the next interval starts from the counters as they are now.</summary>
    public void Zero()
    {
        lock (_lock)
        {
            ZeroLocked(_source.Connections, _source.InPackets, _source.OutPackets, _source.InBytes, _source.OutBytes);
        }
    }

    private void RememberCurrent()
    {
        lock (_lock)
        {
            ZeroLocked(_source.Connections, _source.InPackets, _source.OutPackets, _source.InBytes, _source.OutBytes);
        }
    }

    private void ZeroLocked(long connections, long inPackets, long outPackets, long inBytes, long outBytes)
    {
        _lastConnections = connections;
        _lastInPackets = inPackets;
        _lastOutPackets = outPackets;
        _lastInBytes = inBytes;
        _lastOutBytes = outBytes;
        _connectionsAverage = 0;
        _inPacketsAverage = 0;
        _outPacketsAverage = 0;
        _inBytesAverage = 0;
        _outBytesAverage = 0;
    }

    // The kernel shifts the signed difference: >> on long is arithmetic in C# as (s64) >> is in the kernel.
    private static long Smooth(long average, long rate) => average + ((rate - average) >> 2);

    private static ulong Unscale(long average, long round, int shift) =>
        average <= 0 ? 0 : (ulong)(average + round) >> shift;
}
