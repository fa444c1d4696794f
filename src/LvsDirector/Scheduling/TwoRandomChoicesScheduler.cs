namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "twos" (power of two choices): two destinations drawn at random in proportion to weight, and the one with
/// the lower connection overhead per weight wins; choice 2 replaces choice 1 only if w2 * oh1 &gt; w1 * oh2
/// (ip_vs_twos.c). Overhead is (activeconns &lt;&lt; 8) + inactconns.
/// </summary>
/// <remarks>
/// <para>
/// As in the kernel each draw is uniform over [0, total weight] inclusive, so the first candidate owns one extra
/// value. Draws are a guided look-up in running sums built in <see cref="Update"/> (weights captured there; see
/// <see cref="WeightPrefix"/>).
/// Overloaded servers are excluded by redrawing (up to 8 times) and, failing that, by the kernel's exact walk over
/// the live list; with overloaded servers present the extra value may land on a different candidate than in the
/// kernel (one value in total + 1), otherwise the distribution is the kernel's.
/// </para>
/// <para>
/// The random source is a SplitMix64 sequence advanced with one atomic add: seeded, thread-safe, allocation-free.
/// </para>
/// </remarks>
public sealed class TwoRandomChoicesScheduler : Scheduler
{
    public const string SchedulerName = "twos";

    private const int Redraws = 8;

    private WeightPrefix _prefix = WeightPrefix.Empty;
    private long _random;

    public TwoRandomChoicesScheduler()
        : this(Random.Shared.NextInt64())
    {
    }

    public TwoRandomChoicesScheduler(long seed)
    {
        _random = seed;
    }

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        Volatile.Write(ref _prefix, WeightPrefix.Create(destinations));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var prefix = Volatile.Read(ref _prefix);
        if (prefix.Sums.Length == 0)
        {
            return null;
        }

        // One atomic step gives both draws; redraws (overloaded servers only) take their own.
        ulong random = NextUInt64();
        int first = Draw(prefix, (uint)(random >> 32));
        int second = first < 0 ? -1 : Draw(prefix, (uint)random);
        if (second < 0)
        {
            return ExactWalk(prefix);
        }

        var choice1 = prefix.Destinations[first];
        var choice2 = prefix.Destinations[second];
        long weight1 = prefix.Weights[first];
        long weight2 = prefix.Weights[second];
        return weight2 * LeastConnectionPolicy.ConnectionOverhead(choice1) > weight1 * LeastConnectionPolicy.ConnectionOverhead(choice2)
            ? choice2
            : choice1;
    }

    private int Draw(WeightPrefix prefix, uint random)
    {
        int position = prefix.Find(prefix.Draw(random));
        if (!prefix.Destinations[position].IsOverloaded)
        {
            return position;
        }

        for (int attempt = 1; attempt < Redraws; attempt++)
        {
            position = prefix.Find(prefix.Draw(NextUInt32()));
            if (!prefix.Destinations[position].IsOverloaded)
            {
                return position;
            }
        }

        return -1;
    }

    /// <summary>ip_vs_twos_schedule as written, over the live overload flags.</summary>
    private SchedulerDestination? ExactWalk(WeightPrefix prefix)
    {
        var all = prefix.All;
        var weights = prefix.AllWeights;
        long total = 0;
        for (int i = 0; i < all.Length; i++)
        {
            if (weights[i] > 0 && !all[i].IsOverloaded)
            {
                total += weights[i];
            }
        }

        if (total == 0)
        {
            return null;
        }

        total++;
        long draw1 = (long)(NextUInt32() % (ulong)total);
        long draw2 = (long)(NextUInt32() % (ulong)total);
        SchedulerDestination? choice1 = null;
        SchedulerDestination? choice2 = null;
        long weight1 = -1;
        long weight2 = -1;
        for (int i = 0; i < all.Length && (weight1 < 0 || weight2 < 0); i++)
        {
            int weight = weights[i];
            if (weight <= 0 || all[i].IsOverloaded)
            {
                continue;
            }

            draw1 -= weight;
            draw2 -= weight;
            if (draw1 <= 0 && weight1 < 0)
            {
                choice1 = all[i];
                weight1 = weight;
            }

            if (draw2 <= 0 && weight2 < 0)
            {
                choice2 = all[i];
                weight2 = weight;
            }
        }

        if (choice1 is null || choice2 is null)
        {
            return choice1 ?? choice2;
        }

        return weight2 * LeastConnectionPolicy.ConnectionOverhead(choice1) > weight1 * LeastConnectionPolicy.ConnectionOverhead(choice2)
            ? choice2
            : choice1;
    }

    private uint NextUInt32() => (uint)(NextUInt64() >> 32);

    private ulong NextUInt64()
    {
        ulong z = unchecked((ulong)Interlocked.Add(ref _random, unchecked((long)0x9E3779B97F4A7C15UL)));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
