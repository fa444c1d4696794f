namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "wlc": the lowest connection overhead per weight, compared as loh * dw &gt; doh * lw in 64 bits; the first
/// available destination with a positive weight starts, ties keep the earlier one (ip_vs_wlc.c).
/// </summary>
/// <remarks>
/// Weights are captured by <see cref="Update"/>; counters and the overload flag are read live. The choice is the
/// one IPVS's full list scan makes, kept ready by <see cref="LeastLoadIndex"/>'s block minimums.
/// </remarks>
public sealed class WeightedLeastConnectionScheduler : Scheduler
{
    public const string SchedulerName = "wlc";

    private LeastLoadIndex _index = LeastLoadIndex.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        Volatile.Write(ref _index, LeastLoadIndex.Create<WeightedLeastConnectionPolicy>(destinations, Volatile.Read(ref _index)));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var index = Volatile.Read(ref _index);
        int chosen = index.Select<WeightedLeastConnectionPolicy>();
        return chosen < 0 ? null : index.Destinations[chosen];
    }
}
