namespace LvsDirector.Scheduling;

/// <summary>
/// nq: the first idle candidate (no active connection, overhead 1) wins at once; otherwise as sed (ip_vs_nq.c).
/// </summary>
internal readonly struct NeverQueuePolicy : ILeastLoadPolicy
{
    public static int Overhead(int active, int inactive) => unchecked(active + 1);

    public static bool Better(int candidateOverhead, int candidateWeight, int bestOverhead, int bestWeight) =>
        (long)bestOverhead * candidateWeight > (long)candidateOverhead * bestWeight;

    public static long Key(int overhead, in WeightDivisor weight) => overhead == 1 ? long.MinValue : weight.Ratio(overhead);

    public static bool IsCandidate(int overhead, int weight) => true;

    public static bool IsFinal(int overhead) => overhead == 1;
}
