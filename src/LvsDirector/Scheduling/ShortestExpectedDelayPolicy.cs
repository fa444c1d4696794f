namespace LvsDirector.Scheduling;

/// <summary>sed: (activeconns + 1) / weight; inactive connections do not count (ip_vs_sed.c).</summary>
internal readonly struct ShortestExpectedDelayPolicy : ILeastLoadPolicy
{
    public static int Overhead(int active, int inactive) => unchecked(active + 1);

    public static bool Better(int candidateOverhead, int candidateWeight, int bestOverhead, int bestWeight) =>
        (long)bestOverhead * candidateWeight > (long)candidateOverhead * bestWeight;

    public static long Key(int overhead, in WeightDivisor weight) => weight.Ratio(overhead);

    public static bool IsCandidate(int overhead, int weight) => true;

    public static bool IsFinal(int overhead) => false;
}
