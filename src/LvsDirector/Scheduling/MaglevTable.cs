namespace LvsDirector.Scheduling;

/// <summary>
/// One generation of mh: the lookup table (destination index per slot, -1 for none) with the destinations and
/// their weights captured at update time.
/// </summary>
internal sealed class MaglevTable
{
    public MaglevTable(int[] lookup, SchedulerDestination[] destinations, int[] weights)
    {
        Lookup = lookup;
        Destinations = destinations;
        Weights = weights;
    }

    public int[] Lookup { get; }

    public SchedulerDestination[] Destinations { get; }

    public int[] Weights { get; }

    /// <summary>is_unavailable of ip_vs_mh.c.</summary>
    public bool IsAvailable(int index) => Weights[index] > 0 && !Destinations[index].IsOverloaded;
}
