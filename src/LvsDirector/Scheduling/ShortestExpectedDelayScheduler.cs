namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "sed": the lowest (activeconns + 1) / weight, by cross-multiplication; inactive connections do not
/// count (ip_vs_sed.c).
/// </summary>
/// <remarks>
/// Weights are captured by <see cref="Update"/>; counters and the overload flag are read live. The choice is the
/// one IPVS's full list scan makes, kept ready by <see cref="LeastLoadIndex"/>'s block minimums.
/// </remarks>
public sealed class ShortestExpectedDelayScheduler : Scheduler
{
    public const string SchedulerName = "sed";

    private LeastLoadIndex _index = LeastLoadIndex.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        Volatile.Write(ref _index, LeastLoadIndex.Create<ShortestExpectedDelayPolicy>(destinations, Volatile.Read(ref _index)));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var index = Volatile.Read(ref _index);
        int chosen = index.Select<ShortestExpectedDelayPolicy>();
        return chosen < 0 ? null : index.Destinations[chosen];
    }
}
