using System.Numerics;
using LvsDirector.Statistics;

namespace LvsDirector.Services;

/// <summary>
/// Connection, packet and byte counters as ipvsadm --stats shows them. Each packet worker adds to its own stripe
/// (workers beyond the stripe count share one), so workers on different cores do not pull one cache line back and
/// forth on every packet; the control plane reads the sum at any time.
/// </summary>
public sealed class TrafficCounters : ITrafficSource
{
    /// <summary>Stripes per counter set: the CPU count rounded up to a power of two, at most 16.</summary>
    internal static readonly int StripeCount = (int)Math.Min(16, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, Environment.ProcessorCount)));

    private readonly TrafficStripe[] _stripes = new TrafficStripe[StripeCount];

    public TrafficCounters()
    {
        Rates = new RateEstimator(this);
    }

    /// <summary>CPS/PPS/BPS estimated as IPVS does; ticked every 2 s by the director.</summary>
    public RateEstimator Rates { get; }

    public long Connections => Sum(static (ref TrafficStripe s) => ref s.Connections);

    public long InPackets => Sum(static (ref TrafficStripe s) => ref s.InPackets);

    public long OutPackets => Sum(static (ref TrafficStripe s) => ref s.OutPackets);

    public long InBytes => Sum(static (ref TrafficStripe s) => ref s.InBytes);

    public long OutBytes => Sum(static (ref TrafficStripe s) => ref s.OutBytes);

    public void AddConnection() => AddConnection(0);

    /// <summary>A connection scheduled by packet worker <paramref name="worker"/>.</summary>
    public void AddConnection(int worker) => Interlocked.Increment(ref Stripe(worker).Connections);

    public void AddInbound(int bytes) => AddInbound(0, bytes);

    /// <summary>A packet from a client, forwarded by packet worker <paramref name="worker"/>.</summary>
    public void AddInbound(int worker, int bytes)
    {
        ref var stripe = ref Stripe(worker);
        Interlocked.Increment(ref stripe.InPackets);
        Interlocked.Add(ref stripe.InBytes, bytes);
    }

    public void AddOutbound(int bytes) => AddOutbound(0, bytes);

    /// <summary>A packet from a real server, forwarded by packet worker <paramref name="worker"/>.</summary>
    public void AddOutbound(int worker, int bytes)
    {
        ref var stripe = ref Stripe(worker);
        Interlocked.Increment(ref stripe.OutPackets);
        Interlocked.Add(ref stripe.OutBytes, bytes);
    }

    /// <summary>ipvsadm -Z.</summary>
    public void Reset()
    {
        for (var i = 0; i < _stripes.Length; i++)
        {
            ref var stripe = ref _stripes[i];
            Interlocked.Exchange(ref stripe.Connections, 0);
            Interlocked.Exchange(ref stripe.InPackets, 0);
            Interlocked.Exchange(ref stripe.OutPackets, 0);
            Interlocked.Exchange(ref stripe.InBytes, 0);
            Interlocked.Exchange(ref stripe.OutBytes, 0);
        }

        Rates.Zero();
    }

    private ref TrafficStripe Stripe(int worker) => ref _stripes[worker & (StripeCount - 1)];

    private long Sum(FieldOf field)
    {
        long total = 0;
        for (var i = 0; i < _stripes.Length; i++)
        {
            total += Volatile.Read(ref field(ref _stripes[i]));
        }

        return total;
    }

    private delegate ref long FieldOf(ref TrafficStripe stripe);
}
