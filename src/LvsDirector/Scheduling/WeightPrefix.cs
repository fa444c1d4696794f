namespace LvsDirector.Scheduling;

/// <summary>
/// One generation of twos: the destinations with a positive weight in list order and the running sums of their
/// weights, so a weighted random pick is a table look-up and a step or two instead of the kernel's subtracting walk.
/// </summary>
/// <remarks>
/// <see cref="Find"/> returns the lower bound of the draw in the running sums, exactly as a binary search would. A
/// guide table over the draws' high bits (draw &gt;&gt; shift, about two buckets a destination) holds the lower
/// bound of each bucket's first draw; the answer lies between the bucket's entry and the next one's, usually the
/// same position or the next. Buckets spanning many light destinations (one heavy weight among many light ones)
/// fall back to a binary search between those two bounds. The draw's remainder uses a precomputed multiplier
/// (exact for 32-bit values) instead of a division.
/// </remarks>
internal sealed class WeightPrefix
{
    public static readonly WeightPrefix Empty = new([], [], [], [], []);

    /// <summary>Bucket spans with more positions than this are binary-searched.</summary>
    private const int LinearLimit = 8;

    private readonly int[] _guide;
    private readonly int _shift;
    private readonly ulong _rangeMultiplier;

    private WeightPrefix(SchedulerDestination[] all, int[] allWeights, SchedulerDestination[] destinations, int[] weights, long[] sums)
    {
        All = all;
        AllWeights = allWeights;
        Destinations = destinations;
        Weights = weights;
        Sums = sums;
        long range = Total + 1;
        Range = range;
        _rangeMultiplier = range <= uint.MaxValue ? (ulong.MaxValue / (ulong)range) + 1 : 0;

        // About two buckets a destination: few positions a bucket, a table of 8 bytes a destination at most.
        int shift = 0;
        while ((range - 1) >> shift >= 2L * Math.Max(1, sums.Length))
        {
            shift++;
        }

        _shift = shift;
        _guide = new int[(int)((range - 1) >> shift) + 2];
        for (int bucket = 0; bucket < _guide.Length; bucket++)
        {
            _guide[bucket] = BinarySearch(sums, 0, sums.Length, (long)bucket << shift);
        }
    }

    /// <summary>Total + 1: draws are uniform over [0, Total] as in the kernel.</summary>
    public long Range { get; }

    /// <summary>The whole list, for the exact kernel walk used when overloaded servers get in the way.</summary>
    public SchedulerDestination[] All { get; }

    public int[] AllWeights { get; }

    public SchedulerDestination[] Destinations { get; }

    public int[] Weights { get; }

    /// <summary>Sums[i] = Weights[0] + ... + Weights[i].</summary>
    public long[] Sums { get; }

    public long Total => Sums.Length == 0 ? 0 : Sums[^1];

    public static WeightPrefix Create(IReadOnlyList<SchedulerDestination> destinations)
    {
        var all = SchedulerSnapshot.CopyDestinations(destinations);
        var allWeights = SchedulerSnapshot.CopyWeights(all);
        var positive = Enumerable.Range(0, all.Length).Where(i => allWeights[i] > 0).ToArray();
        var sums = new long[positive.Length];
        long sum = 0;
        for (int i = 0; i < positive.Length; i++)
        {
            sum += allWeights[positive[i]];
            sums[i] = sum;
        }

        return new WeightPrefix(
            all,
            allWeights,
            positive.Select(i => all[i]).ToArray(),
            positive.Select(i => allWeights[i]).ToArray(),
            sums);
    }

    /// <summary>The first position whose running sum reaches <paramref name="draw"/> (the kernel's r -= w; r &lt;= 0).</summary>
    public int Find(long draw)
    {
        var sums = Sums;
        var guide = _guide;
        int bucket = (int)(draw >> _shift);
        int low = guide[bucket];

        // Every draw of this bucket has its lower bound in [low, high]; high is at most the last position since a
        // draw never exceeds the total.
        int high = Math.Min(guide[bucket + 1], sums.Length - 1);
        if (high - low > LinearLimit)
        {
            return BinarySearch(sums, low, high + 1, draw);
        }

        while (low < high && sums[low] < draw)
        {
            low++;
        }

        return low;
    }

    /// <summary>A uniform draw in [0, Range) from 32 random bits: random % Range, as the kernel computes it.</summary>
    public long Draw(uint random)
    {
        if (_rangeMultiplier == 0)
        {
            return (long)((ulong)random % (ulong)Range);
        }

        // Lemire's fastmod: for a 32-bit numerator and divisor, the high word of (M * a mod 2^64) * d is a % d.
        ulong low = _rangeMultiplier * random;
        return (long)Math.BigMul(low, (ulong)Range, out _);
    }

    /// <summary>The first position in [low, end) whose running sum reaches <paramref name="draw"/>, else end - 1.</summary>
    private static int BinarySearch(long[] sums, int low, int end, long draw)
    {
        // Branch-free lower bound: the answer stays in [low, low + length) while length halves.
        int length = end - low;
        while (length > 1)
        {
            int half = length >> 1;
            low = sums[low + half - 1] < draw ? low + half : low;
            length -= half;
        }

        return low;
    }
}
