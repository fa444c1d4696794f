namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "wrr": interleaved weighted round robin. A cycle runs passes with a falling threshold cw
/// (mw, mw - di, ..., 1); each pass picks, in list order, every destination whose weight is at least cw.
/// Weights 3:2:1 give A A B A B C.
/// </summary>
/// <remarks>
/// As in ip_vs_wrr.c, a change of destinations restarts the walk at the list head, sets cw to mw when cw exceeds
/// the new mw (or was 0), and otherwise aligns cw to the new di. Weights are captured by <see cref="Update"/>;
/// the overload flag is read live. A scan that finds nothing in a whole pass at the lowest threshold gives null.
/// </remarks>
public sealed class WeightedRoundRobinScheduler : Scheduler
{
    public const string SchedulerName = "wrr";

    private WeightedRoundRobinState _state = WeightedRoundRobinState.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var old = Volatile.Read(ref _state);
        var array = SchedulerSnapshot.CopyDestinations(destinations);
        var weights = SchedulerSnapshot.CopyWeights(array);

        int gcd = 0;
        int max = 0;
        foreach (int weight in weights)
        {
            if (weight > 0)
            {
                gcd = gcd == 0 ? weight : SchedulerSnapshot.GreatestCommonDivisor(weight, gcd);
                max = Math.Max(max, weight);
            }
        }

        int step = gcd == 0 ? 1 : gcd;
        int maxWeight = max - (step - 1);
        int currentWeight = WeightedRoundRobinState.CurrentWeightOf(Volatile.Read(ref old.Cursor));
        if (currentWeight > maxWeight || currentWeight <= 0)
        {
            currentWeight = maxWeight;
        }
        else if (step > 1)
        {
            currentWeight = (currentWeight / step * step) + 1;
        }

        var state = new WeightedRoundRobinState(array, weights, maxWeight, step, WeightedRoundRobinState.Pack(-1, currentWeight));
        Volatile.Write(ref _state, state);
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var state = Volatile.Read(ref _state);
        int maxWeight = state.MaxWeight;
        if (maxWeight <= 0)
        {
            return null;
        }

        var destinations = state.Destinations;
        var weights = state.Weights;
        int count = destinations.Length;
        int step = state.Step;
        while (true)
        {
            long cursor = Volatile.Read(ref state.Cursor);
            int index = WeightedRoundRobinState.IndexOf(cursor);
            int currentWeight = WeightedRoundRobinState.CurrentWeightOf(cursor);

            // At cw <= di every positive weight qualifies, so once each destination has failed there, none can win.
            int failedAtLowest = 0;
            while (true)
            {
                index++;
                if (index >= count)
                {
                    index = 0;
                    currentWeight -= step;
                    if (currentWeight <= 0)
                    {
                        currentWeight = maxWeight;
                    }
                }

                if (weights[index] >= currentWeight && !destinations[index].IsOverloaded)
                {
                    break;
                }

                if (currentWeight <= step && ++failedAtLowest >= count)
                {
                    return null;
                }
            }

            long next = WeightedRoundRobinState.Pack(index, currentWeight);
            if (Interlocked.CompareExchange(ref state.Cursor, next, cursor) == cursor)
            {
                return destinations[index];
            }
        }
    }
}
