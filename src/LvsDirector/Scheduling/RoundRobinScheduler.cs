namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "rr": walks the destinations circularly, continuing after the one chosen last, and skips quiescent
/// (weight 0) and overloaded destinations. Like ip_vs_rr.c, adding a destination keeps the position and removing
/// the current one continues after its nearest surviving predecessor.
/// </summary>
/// <remarks>
/// Weights are captured by <see cref="Update"/>; the control plane calls it after every weight change.
/// The overload flag is read live, because it follows connection counts rather than configuration.
/// </remarks>
public sealed class RoundRobinScheduler : Scheduler
{
    public const string SchedulerName = "rr";

    private RoundRobinState _state = RoundRobinState.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var old = Volatile.Read(ref _state);
        var array = SchedulerSnapshot.CopyDestinations(destinations);
        var weights = SchedulerSnapshot.CopyWeights(array);
        int cursor = SchedulerSnapshot.MapCursor(old.Destinations, Volatile.Read(ref old.Cursor), array);
        Volatile.Write(ref _state, new RoundRobinState(array, weights, cursor));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var state = Volatile.Read(ref _state);
        var destinations = state.Destinations;
        var weights = state.Weights;
        int count = destinations.Length;
        while (true)
        {
            int last = Volatile.Read(ref state.Cursor);
            int index = last;
            int found = -1;
            for (int step = 0; step < count; step++)
            {
                index++;
                if (index >= count)
                {
                    index = 0;
                }

                if (weights[index] > 0 && !destinations[index].IsOverloaded)
                {
                    found = index;
                    break;
                }
            }

            if (found < 0)
            {
                return null;
            }

            // Losing the race means another worker took this slot; rescan from its choice so picks stay fair.
            if (Interlocked.CompareExchange(ref state.Cursor, found, last) == last)
            {
                return destinations[found];
            }
        }
    }
}
