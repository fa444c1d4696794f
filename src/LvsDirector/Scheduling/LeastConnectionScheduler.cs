namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "lc": the destination with the lowest overhead (activeconns &lt;&lt; 8) + inactconns, skipping quiescent
/// (weight 0) and overloaded ones; ties go to the first in list order (ip_vs_lc.c).
/// </summary>
/// <remarks>
/// Weights are captured by <see cref="Update"/>; counters and the overload flag are read live. The choice is the
/// one IPVS's full list scan makes, kept ready by <see cref="LeastLoadIndex"/>'s block minimums.
/// </remarks>
public sealed class LeastConnectionScheduler : Scheduler
{
    public const string SchedulerName = "lc";

    private LeastLoadIndex _index = LeastLoadIndex.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        Volatile.Write(ref _index, LeastLoadIndex.Create<LeastConnectionPolicy>(destinations, Volatile.Read(ref _index)));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var index = Volatile.Read(ref _index);
        int chosen = index.Select<LeastConnectionPolicy>();
        return chosen < 0 ? null : index.Destinations[chosen];
    }
}
