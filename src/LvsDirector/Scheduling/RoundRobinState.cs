namespace LvsDirector.Scheduling;

/// <summary>
/// One published generation of <see cref="RoundRobinScheduler"/>: the destination list is frozen, only the cursor
/// moves. Workers that still hold an older generation after an update merely advance a cursor nobody reads again.
/// </summary>
internal sealed class RoundRobinState
{
    public static readonly RoundRobinState Empty = new([], [], -1);

    // Index of the destination chosen last; -1 stands for the list head (nothing chosen yet), as in ip_vs_rr.c.
    public int Cursor;

    public RoundRobinState(SchedulerDestination[] destinations, int[] weights, int cursor)
    {
        Destinations = destinations;
        Weights = weights;
        Cursor = cursor;
    }

    public SchedulerDestination[] Destinations { get; }

    /// <summary>Weights captured at update time, so one generation is self-consistent.</summary>
    public int[] Weights { get; }
}
