namespace LvsDirector.Scheduling;

/// <summary>
/// One published generation of <see cref="WeightedRoundRobinScheduler"/>: frozen destinations, weights and the
/// derived mw/di, plus the moving (index, cw) pair packed in one 64-bit word so a single CAS moves both.
/// </summary>
internal sealed class WeightedRoundRobinState
{
    public static readonly WeightedRoundRobinState Empty = new([], [], 0, 1, Pack(-1, 0));

    // High 32 bits: current weight cw. Low 32 bits: index chosen last, -1 for the list head.
    public long Cursor;

    public WeightedRoundRobinState(SchedulerDestination[] destinations, int[] weights, int maxWeight, int step, long cursor)
    {
        Destinations = destinations;
        Weights = weights;
        MaxWeight = maxWeight;
        Step = step;
        Cursor = cursor;
    }

    public SchedulerDestination[] Destinations { get; }

    public int[] Weights { get; }

    /// <summary>mw: the largest weight less (di - 1), so the last pass of a cycle runs at cw = 1 (ip_vs_wrr.c).</summary>
    public int MaxWeight { get; }

    /// <summary>di: the greatest common divisor of the positive weights (1 when there are none).</summary>
    public int Step { get; }

    public static long Pack(int index, int currentWeight) => ((long)currentWeight << 32) | (uint)index;

    public static int IndexOf(long cursor) => (int)cursor;

    public static int CurrentWeightOf(long cursor) => (int)(cursor >> 32);
}
