namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "nq": the first available destination with no active connection is taken at once; otherwise as sed,
/// the lowest (activeconns + 1) / weight (ip_vs_nq.c).
/// </summary>
/// <remarks>
/// Weights are captured by <see cref="Update"/>; counters and the overload flag are read live. The choice is the
/// one IPVS's full list scan makes, kept ready by <see cref="LeastLoadIndex"/>'s block minimums.
/// </remarks>
public sealed class NeverQueueScheduler : Scheduler
{
    public const string SchedulerName = "nq";

    private LeastLoadIndex _index = LeastLoadIndex.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        Volatile.Write(ref _index, LeastLoadIndex.Create<NeverQueuePolicy>(destinations, Volatile.Read(ref _index)));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var index = Volatile.Read(ref _index);
        int chosen = index.Select<NeverQueuePolicy>();
        return chosen < 0 ? null : index.Destinations[chosen];
    }
}
