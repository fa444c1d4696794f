namespace LvsDirector.Scheduling;

/// <summary>
/// wlc (and the wlc step of lblc/lblcr): connection overhead divided by weight, compared by cross-multiplication in
/// 64 bits as ip_vs_wlc.c does (loh * dw &gt; doh * lw replaces the least).
/// </summary>
internal readonly struct WeightedLeastConnectionPolicy : ILeastLoadPolicy
{
    public static int Overhead(int active, int inactive) => unchecked((active << 8) + inactive);

    public static bool Better(int candidateOverhead, int candidateWeight, int bestOverhead, int bestWeight) =>
        (long)bestOverhead * candidateWeight > (long)candidateOverhead * bestWeight;

    public static long Key(int overhead, in WeightDivisor weight) => weight.Ratio(overhead);

    public static bool IsCandidate(int overhead, int weight) => true;

    public static bool IsFinal(int overhead) => false;
}
