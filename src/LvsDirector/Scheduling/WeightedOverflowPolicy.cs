namespace LvsDirector.Scheduling;

/// <summary>
/// ovf over a list sorted heaviest first: a destination is a candidate while its active connections do not exceed
/// its weight, and the first candidate wins (ip_vs_ovf.c's "strictly heavier replaces" scan gives the same one).
/// </summary>
internal readonly struct WeightedOverflowPolicy : ILeastLoadPolicy
{
    public static int Overhead(int active, int inactive) => active;

    public static long Key(int overhead, in WeightDivisor weight) => 0;

    public static bool IsCandidate(int overhead, int weight) => overhead <= weight;

    public static bool Better(int candidateOverhead, int candidateWeight, int bestOverhead, int bestWeight) => false;

    public static bool IsFinal(int overhead) => true;
}
