namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "ovf": the highest-weight available destination whose active connections do not exceed its weight;
/// when it fills up, the next heaviest takes over (ip_vs_ovf.c). Ties go to the first in list order.
/// </summary>
/// <remarks>
/// <see cref="Update"/> sorts the destinations with a positive weight heaviest first (stable), and a
/// <see cref="LeastLoadIndex"/> over that order keeps the first one with room at the root of its block minimums, so
/// a decision reads two or three blocks of keys instead of the kernel's full scan; the result is the kernel's.
/// </remarks>
public sealed class WeightedOverflowScheduler : Scheduler
{
    public const string SchedulerName = "ovf";

    private LeastLoadIndex _index = LeastLoadIndex.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var order = WeightOrder.Create(destinations);
        Volatile.Write(ref _index, LeastLoadIndex.Create<WeightedOverflowPolicy>(order.Destinations, Volatile.Read(ref _index)));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var index = Volatile.Read(ref _index);
        int chosen = index.Select<WeightedOverflowPolicy>();
        return chosen < 0 ? null : index.Destinations[chosen];
    }
}
