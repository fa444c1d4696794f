namespace LvsDirector.Scheduling;

/// <summary>
/// One generation of fo/ovf: the destinations with a positive weight, heaviest first and in list order among equal
/// weights, which is the order in which the kernel's "strictly heavier replaces" scan would prefer them.
/// </summary>
internal sealed class WeightOrder
{
    public static readonly WeightOrder Empty = new([], []);

    private WeightOrder(SchedulerDestination[] destinations, int[] weights)
    {
        Destinations = destinations;
        Weights = weights;
    }

    /// <summary>Candidates in preference order.</summary>
    public SchedulerDestination[] Destinations { get; }

    /// <summary>Their weights, captured at update time.</summary>
    public int[] Weights { get; }

    public static WeightOrder Create(IReadOnlyList<SchedulerDestination> destinations)
    {
        var array = SchedulerSnapshot.CopyDestinations(destinations);
        var weights = SchedulerSnapshot.CopyWeights(array);
        var order = Enumerable.Range(0, array.Length)
            .Where(i => weights[i] > 0)
            .OrderByDescending(i => weights[i])
            .ThenBy(i => i)
            .ToArray();
        return new WeightOrder(order.Select(i => array[i]).ToArray(), order.Select(i => weights[i]).ToArray());
    }
}
