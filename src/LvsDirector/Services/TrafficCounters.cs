using LvsDirector.Statistics;

namespace LvsDirector.Services;

/// <summary>
/// Connection, packet and byte counters as ipvsadm --stats shows them. Written by packet workers with
/// Interlocked so several workers can share one service; read by the control plane at any time.
/// </summary>
public sealed class TrafficCounters : ITrafficSource
{
    private long _connections;
    private long _inPackets;
    private long _outPackets;
    private long _inBytes;
    private long _outBytes;

    public TrafficCounters()
    {
        Rates = new RateEstimator(this);
    }

    /// <summary>CPS/PPS/BPS estimated as IPVS does; ticked every 2 s by the director.</summary>
    public RateEstimator Rates { get; }

    public long Connections => Volatile.Read(ref _connections);

    public long InPackets => Volatile.Read(ref _inPackets);

    public long OutPackets => Volatile.Read(ref _outPackets);

    public long InBytes => Volatile.Read(ref _inBytes);

    public long OutBytes => Volatile.Read(ref _outBytes);

    public void AddConnection() => Interlocked.Increment(ref _connections);

    public void AddInbound(int bytes)
    {
        Interlocked.Increment(ref _inPackets);
        Interlocked.Add(ref _inBytes, bytes);
    }

    public void AddOutbound(int bytes)
    {
        Interlocked.Increment(ref _outPackets);
        Interlocked.Add(ref _outBytes, bytes);
    }

    /// <summary>ipvsadm -Z.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _connections, 0);
        Interlocked.Exchange(ref _inPackets, 0);
        Interlocked.Exchange(ref _outPackets, 0);
        Interlocked.Exchange(ref _inBytes, 0);
        Interlocked.Exchange(ref _outBytes, 0);
        Rates.Zero();
    }
}
