namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "fo": the available (not overloaded, weight above 0) destination with the highest weight; among equal
/// weights the first in list order (ip_vs_fo.c).
/// </summary>
/// <remarks>
/// The preference order is sorted once in <see cref="Update"/>, so a decision walks only past overloaded servers
/// instead of scanning the whole list; the result is the kernel's.
/// </remarks>
public sealed class WeightedFailoverScheduler : Scheduler
{
    public const string SchedulerName = "fo";

    private WeightOrder _order = WeightOrder.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        Volatile.Write(ref _order, WeightOrder.Create(destinations));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        foreach (var destination in Volatile.Read(ref _order).Destinations)
        {
            if (!destination.IsOverloaded)
            {
                return destination;
            }
        }

        return null;
    }
}
