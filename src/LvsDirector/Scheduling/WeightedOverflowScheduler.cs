namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "ovf": the highest-weight available destination whose active connections do not exceed its weight;
/// when it fills up, the next heaviest takes over (ip_vs_ovf.c). Ties go to the first in list order.
/// </summary>
/// <remarks>
/// The preference order is sorted once in <see cref="Update"/>; a decision walks it until the first server with
/// room, which returns what the kernel's full scan returns.
/// </remarks>
public sealed class WeightedOverflowScheduler : Scheduler
{
    public const string SchedulerName = "ovf";

    private WeightOrder _order = WeightOrder.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        Volatile.Write(ref _order, WeightOrder.Create(destinations));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var order = Volatile.Read(ref _order);
        var destinations = order.Destinations;
        var weights = order.Weights;
        for (int i = 0; i < destinations.Length; i++)
        {
            var destination = destinations[i];
            if (!destination.IsOverloaded && destination.ActiveConnections <= weights[i])
            {
                return destination;
            }
        }

        return null;
    }
}
