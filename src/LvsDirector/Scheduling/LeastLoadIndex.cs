namespace LvsDirector.Scheduling;

/// <summary>
/// One published generation of a least-load scheduler: frozen destinations and weights, plus per-block cached
/// minima so a decision reads about sqrt(n) block summaries and rescans only blocks whose load changed since.
/// </summary>
/// <remarks>
/// <para>
/// IPVS scans the whole list for lc, wlc, sed and nq and keeps the first destination that is strictly better than
/// the best so far. Every policy here orders destinations by a ratio (or a plain number), a strict weak order, so
/// the first minimum of the list is the first minimum among the per-block first minima taken in block order. With
/// no concurrent change the choice is therefore exactly the kernel's; under concurrent changes it is as current as
/// a scan racing those changes would be.
/// </para>
/// <para>
/// A summary packs, in one 64-bit word, the low 24 bits of the block version it was computed at, the index of the
/// block's best destination (0xFF for none) and its overhead. Destinations bump their block's version after every
/// counter, weight or overload change after publishing their load to a dense copy (<see cref="LoadChangeTracker"/>),
/// and the version is read before the copy, so a summary whose version is current cannot be stale. A summary could be trusted wrongly only if a
/// block's version advanced by exactly 2^24 between two decisions.
/// </para>
/// </remarks>
internal sealed class LeastLoadIndex
{
    public static readonly LeastLoadIndex Empty = new([], [], null, 0);

    /// <summary>Lists this short are scanned straight; the bookkeeping would cost more than it saves.</summary>
    private const int DirectScanLimit = 32;

    private const int NoBest = 0xFF;

    private readonly long[] _summaries;
    private readonly long[] _halfLoaded;
    private readonly int _shift;

    private LeastLoadIndex(SchedulerDestination[] destinations, int[] weights, LoadChangeTracker? tracker, int shift)
    {
        Destinations = destinations;
        Weights = weights;
        Tracker = tracker;
        _shift = shift;
        _summaries = tracker is null ? [] : new long[tracker.Versions.Length];
        _halfLoaded = tracker is null ? [] : new long[tracker.Versions.Length];
    }

    public SchedulerDestination[] Destinations { get; }

    public int[] Weights { get; }

    public LoadChangeTracker? Tracker { get; }

    /// <summary>Builds the next generation and moves change tracking from <paramref name="previous"/> to it.</summary>
    public static LeastLoadIndex Create(IReadOnlyList<SchedulerDestination> destinations, LeastLoadIndex previous)
    {
        var array = SchedulerSnapshot.CopyDestinations(destinations);
        var weights = SchedulerSnapshot.CopyWeights(array);
        LoadChangeTracker? tracker = null;
        int shift = 0;
        if (array.Length > DirectScanLimit)
        {
            // Blocks of about sqrt(n) destinations balance summary reads against block rescans.
            shift = Math.Clamp((int)Math.Ceiling(Math.Log2(Math.Sqrt(array.Length))), 3, 7);
            tracker = new LoadChangeTracker(array.Length, ((array.Length - 1) >> shift) + 1);
            tracker.Attach(array, shift, previous.Tracker);
        }

        LoadChangeTracker.Detach(previous.Destinations, previous.Tracker);
        return new LeastLoadIndex(array, weights, tracker, shift);
    }

    /// <summary>The index of the destination IPVS's scan would pick under <typeparamref name="TPolicy"/>, or -1.</summary>
    public int Select<TPolicy>()
        where TPolicy : struct, ILeastLoadPolicy
    {
        var tracker = Tracker;
        if (tracker is null || tracker.IsCompromised)
        {
            return ScanRange<TPolicy>(0, Destinations.Length, out _);
        }

        var versions = tracker.Versions;
        var summaries = _summaries;
        var weights = Weights;
        int shift = _shift;
        int count = Destinations.Length;
        int best = -1;
        int bestOverhead = 0;
        int bestWeight = 0;
        for (int block = 0; block < summaries.Length; block++)
        {
            int version = Volatile.Read(ref versions[block]) & 0xFFFFFF;
            long summary = Volatile.Read(ref summaries[block]);
            if ((int)((ulong)summary >> 40) != version)
            {
                int start = block << shift;
                int found = ScanSamples<TPolicy>(tracker.Loads, start, Math.Min(start + (1 << shift), count), out int foundOverhead);
                summary = ((long)version << 40) | ((long)(found < 0 ? NoBest : found - start) << 32) | (uint)foundOverhead;
                Volatile.Write(ref summaries[block], summary);
            }

            int local = (int)(summary >> 32) & 0xFF;
            if (local == NoBest)
            {
                continue;
            }

            int index = (block << shift) + local;
            int overhead = (int)summary;
            if (TPolicy.IsFinal(overhead))
            {
                return index;
            }

            int weight = weights[index];
            if (best < 0 || TPolicy.Better(overhead, weight, bestOverhead, bestWeight))
            {
                best = index;
                bestOverhead = overhead;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>
    /// The second half of lblc/lblcr's overload rule: whether some destination has active connections * 2 below its
    /// weight. Cached per block like the summaries (weights as captured by the last update).
    /// </summary>
    public bool AnyBelowHalfWeight()
    {
        var tracker = Tracker;
        var weights = Weights;
        if (tracker is null || tracker.IsCompromised)
        {
            var destinations = Destinations;
            for (int i = 0; i < destinations.Length; i++)
            {
                if ((long)destinations[i].ActiveConnections * 2 < weights[i])
                {
                    return true;
                }
            }

            return false;
        }

        var versions = tracker.Versions;
        var loads = tracker.Loads;
        var cache = _halfLoaded;
        int count = Destinations.Length;
        for (int block = 0; block < cache.Length; block++)
        {
            int version = Volatile.Read(ref versions[block]);
            long entry = Volatile.Read(ref cache[block]);
            if ((int)(entry >> 1) != version)
            {
                int start = block << _shift;
                int end = Math.Min(start + (1 << _shift), count);
                long found = 0;
                for (int i = start; i < end; i++)
                {
                    if ((long)Volatile.Read(ref loads[i].Active) * 2 < weights[i])
                    {
                        found = 1;
                        break;
                    }
                }

                entry = ((long)version << 1) | found;
                Volatile.Write(ref cache[block], entry);
            }

            if ((entry & 1) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>As <see cref="ScanRange"/>, over the dense copy of the loads.</summary>
    private int ScanSamples<TPolicy>(LoadSample[] loads, int start, int end, out int bestOverhead)
        where TPolicy : struct, ILeastLoadPolicy
    {
        var weights = Weights;
        int best = -1;
        int bestWeight = 0;
        bestOverhead = 0;
        for (int i = start; i < end; i++)
        {
            int weight = weights[i];
            ref var sample = ref loads[i];
            if (weight <= 0 || Volatile.Read(ref sample.Overloaded) != 0)
            {
                continue;
            }

            int overhead = TPolicy.Overhead(Volatile.Read(ref sample.Active), Volatile.Read(ref sample.Inactive));
            if (!TPolicy.IsCandidate(overhead, weight))
            {
                continue;
            }

            if (TPolicy.IsFinal(overhead))
            {
                bestOverhead = overhead;
                return i;
            }

            if (best < 0 || TPolicy.Better(overhead, weight, bestOverhead, bestWeight))
            {
                best = i;
                bestOverhead = overhead;
                bestWeight = weight;
            }
        }

        return best;
    }

    /// <summary>IPVS's scan over [start, end) of the live objects: first strictly better candidate wins.</summary>
    private int ScanRange<TPolicy>(int start, int end, out int bestOverhead)
        where TPolicy : struct, ILeastLoadPolicy
    {
        var destinations = Destinations;
        var weights = Weights;
        int best = -1;
        int bestWeight = 0;
        bestOverhead = 0;
        for (int i = start; i < end; i++)
        {
            int weight = weights[i];
            if (weight <= 0)
            {
                continue;
            }

            var destination = destinations[i];
            if (destination.IsOverloaded)
            {
                continue;
            }

            int overhead = TPolicy.Overhead(destination.ActiveConnections, destination.InactiveConnections);
            if (!TPolicy.IsCandidate(overhead, weight))
            {
                continue;
            }

            if (TPolicy.IsFinal(overhead))
            {
                bestOverhead = overhead;
                return i;
            }

            if (best < 0 || TPolicy.Better(overhead, weight, bestOverhead, bestWeight))
            {
                best = i;
                bestOverhead = overhead;
                bestWeight = weight;
            }
        }

        return best;
    }
}
