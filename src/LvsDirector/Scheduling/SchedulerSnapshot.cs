namespace LvsDirector.Scheduling;

/// <summary>Helpers shared by schedulers to build their immutable generations on the control plane.</summary>
internal static class SchedulerSnapshot
{
    public static SchedulerDestination[] CopyDestinations(IReadOnlyList<SchedulerDestination> destinations)
    {
        var array = new SchedulerDestination[destinations.Count];
        for (int i = 0; i < array.Length; i++)
        {
            array[i] = destinations[i] ?? throw new ArgumentException("A destination is null.", nameof(destinations));
        }

        return array;
    }

    /// <summary>Captures weights; a negative weight is treated as quiescent.</summary>
    public static int[] CopyWeights(SchedulerDestination[] destinations)
    {
        var weights = new int[destinations.Length];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = Math.Max(0, destinations[i].Weight);
        }

        return weights;
    }

    /// <summary>
    /// Carries a "last chosen" position into a new destination list: the same destination if it survived,
    /// otherwise its nearest surviving predecessor, otherwise the head (-1).
    /// </summary>
    public static int MapCursor(SchedulerDestination[] oldDestinations, int oldCursor, SchedulerDestination[] newDestinations)
    {
        if (oldCursor < 0 || oldCursor >= oldDestinations.Length || newDestinations.Length == 0)
        {
            return -1;
        }

        var positions = new Dictionary<SchedulerDestination, int>(newDestinations.Length, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < newDestinations.Length; i++)
        {
            positions.TryAdd(newDestinations[i], i);
        }

        for (int i = oldCursor; i >= 0; i--)
        {
            if (positions.TryGetValue(oldDestinations[i], out int position))
            {
                return position;
            }
        }

        return -1;
    }

    public static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
