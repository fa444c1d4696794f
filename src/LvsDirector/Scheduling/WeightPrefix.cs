namespace LvsDirector.Scheduling;

/// <summary>
/// One generation of twos: the destinations with a positive weight in list order and the running sums of their
/// weights, so a weighted random pick is a binary search instead of the kernel's subtracting walk.
/// </summary>
internal sealed class WeightPrefix
{
    public static readonly WeightPrefix Empty = new([], [], [], [], []);

    private WeightPrefix(SchedulerDestination[] all, int[] allWeights, SchedulerDestination[] destinations, int[] weights, long[] sums)
    {
        All = all;
        AllWeights = allWeights;
        Destinations = destinations;
        Weights = weights;
        Sums = sums;
    }

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
        // Branch-free lower bound: the answer stays in [low, low + length) while length halves.
        var sums = Sums;
        int low = 0;
        int length = sums.Length;
        while (length > 1)
        {
            int half = length >> 1;
            low = sums[low + half - 1] < draw ? low + half : low;
            length -= half;
        }

        return low;
    }
}
