namespace LvsDirector.Scheduling;

/// <summary>
/// One published generation of a least-load scheduler: frozen destinations and weights, plus a
/// <see cref="LoadBlockMinimum{TPolicy}"/> that destinations mark as their counters move, so a decision replays only
/// what changed since the previous one and reads the root.
/// </summary>
/// <remarks>
/// IPVS scans the whole list for lc, wlc, sed and nq (and ovf) and keeps the first destination strictly better than
/// the best so far; the block minimums give that same destination (see its remarks). Short lists, and lists whose
/// destinations another least-load scheduler took over (the tracker is then compromised), are scanned as the
/// kernel does, over the live objects; so are lists with a weight above <see cref="LoadKey.MaxWeight"/>, where the
/// order keys could no longer tell every two ratios apart.
/// </remarks>
internal sealed class LeastLoadIndex
{
    public static readonly LeastLoadIndex Empty = new([], [], null);

    /// <summary>Lists this short are scanned straight; the bookkeeping would cost more than it saves.</summary>
    private const int DirectScanLimit = 32;

    private LeastLoadIndex(SchedulerDestination[] destinations, int[] weights, LoadChangeTracker? tracker)
    {
        Destinations = destinations;
        Weights = weights;
        Tracker = tracker;
    }

    public SchedulerDestination[] Destinations { get; }

    public int[] Weights { get; }

    public LoadChangeTracker? Tracker { get; }

    /// <summary>Builds the next generation and moves change tracking from <paramref name="previous"/> to it.</summary>
    /// <param name="callerLocks">
    /// True when the owner calls <see cref="Select"/> and <see cref="AnyBelowHalfWeight"/> only under a lock of its own.
    /// </param>
    public static LeastLoadIndex Create<TPolicy>(IReadOnlyList<SchedulerDestination> destinations, LeastLoadIndex previous, bool callerLocks = false)
        where TPolicy : struct, ILeastLoadPolicy
    {
        var array = SchedulerSnapshot.CopyDestinations(destinations);
        var weights = SchedulerSnapshot.CopyWeights(array);
        LoadChangeTracker? tracker = array.Length > DirectScanLimit && weights.Max() <= LoadKey.MaxWeight
            ? new LoadBlockMinimum<TPolicy>(array, weights, previous.Tracker, callerLocks)
            : null;
        LoadChangeTracker.Detach(previous.Destinations, previous.Tracker);
        return new LeastLoadIndex(array, weights, tracker);
    }

    /// <summary>
    /// The index of the destination IPVS's scan would pick under <typeparamref name="TPolicy"/> (the policy this
    /// generation was created with), or -1.
    /// </summary>
    public int Select<TPolicy>()
        where TPolicy : struct, ILeastLoadPolicy
    {
        var tracker = Tracker;
        if (tracker is null || tracker.IsCompromised)
        {
            return ScanRange<TPolicy>(0, Destinations.Length, out _);
        }

        return tracker.Best();
    }

    /// <summary>
    /// The second half of lblc/lblcr's overload rule: whether some destination has active connections * 2 below its
    /// weight (weights as captured by the last update).
    /// </summary>
    public bool AnyBelowHalfWeight()
    {
        var tracker = Tracker;
        if (tracker is not null && !tracker.IsCompromised)
        {
            return tracker.AnyBelowHalfWeight;
        }

        var destinations = Destinations;
        var weights = Weights;
        for (int i = 0; i < destinations.Length; i++)
        {
            if ((long)destinations[i].ActiveConnections * 2 < weights[i])
            {
                return true;
            }
        }

        return false;
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
