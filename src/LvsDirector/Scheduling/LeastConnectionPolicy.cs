namespace LvsDirector.Scheduling;

/// <summary>lc: overhead (activeconns &lt;&lt; 8) + inactconns, lowest wins (ip_vs_lc.c).</summary>
internal readonly struct LeastConnectionPolicy : ILeastLoadPolicy
{
    public static int Overhead(int active, int inactive) => unchecked((active << 8) + inactive);

    public static bool Better(int candidateOverhead, int candidateWeight, int bestOverhead, int bestWeight) =>
        candidateOverhead < bestOverhead;

    public static long Key(int overhead, in WeightDivisor weight) => overhead;

    public static bool IsCandidate(int overhead, int weight) => true;

    public static bool IsFinal(int overhead) => false;

    /// <summary>ip_vs_dest_conn_overhead: active connections weigh 256 times an inactive one.</summary>
    public static int ConnectionOverhead(SchedulerDestination destination) =>
        Overhead(destination.ActiveConnections, destination.InactiveConnections);
}
