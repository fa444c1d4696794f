using LvsDirector.Scheduling;

namespace LvsDirector.Tests.Scheduling;

/// <summary>
/// A literal reading of ip_vs_lblcr_schedule over plain lists, with the differences docs/compatibility.md lists:
/// sets hold at most <see cref="LocalityBasedLeastConnectionReplicationScheduler.SetCapacity"/> servers (adding to a
/// full set first drops its most loaded member) and servers removed from the service leave the sets at once. Entry
/// garbage collection is left out: tests that use this stay inside the first full check.
/// </summary>
internal sealed class KernelLblcrReading(ManualTimeProvider time, TimeSpan expiration)
{
    private readonly Dictionary<uint, (List<SchedulerDestination> Set, long LastModified)> _entries = [];
    private readonly long _expiration = (long)(expiration.TotalSeconds * time.TimestampFrequency);
    private List<SchedulerDestination> _service = [];

    public void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        _service = [.. destinations];
        foreach (var entry in _entries.Values)
        {
            entry.Set.RemoveAll(member => !_service.Contains(member));
        }
    }

    /// <summary>Decisions served by a member of the address's set.</summary>
    public int FromSet { get; private set; }

    /// <summary>Decisions that fell back to the service-wide wlc choice.</summary>
    public int Rescheduled { get; private set; }

    /// <summary>Sets that lost their most loaded member to the expiration.</summary>
    public int Shrinks { get; private set; }

    public IReadOnlyList<SchedulerDestination> SetOf(uint address) =>
        _entries.TryGetValue(address, out var entry) ? entry.Set : [];

    public SchedulerDestination? Schedule(uint address)
    {
        long now = time.GetTimestamp();
        SchedulerDestination? dest;
        if (_entries.TryGetValue(address, out var entry))
        {
            dest = WeightedLeast(entry.Set);
            if (entry.Set.Count > 1 && now > entry.LastModified + _expiration)
            {
                var most = SetMax(entry.Set);
                if (most is not null)
                {
                    entry.Set.Remove(most);
                    entry.LastModified = now;
                    Shrinks++;
                }
            }

            if (dest is not null && !IsOverloaded(dest))
            {
                _entries[address] = entry;
                FromSet++;
                return dest;
            }

            Rescheduled++;
            dest = WeightedLeast(_service);
            if (dest is null)
            {
                _entries[address] = entry;
                return null;
            }

            if (!entry.Set.Contains(dest))
            {
                if (entry.Set.Count == LocalityBasedLeastConnectionReplicationScheduler.SetCapacity)
                {
                    entry.Set.Remove(SetMax(entry.Set)!);
                }

                entry.Set.Insert(0, dest);
                entry.LastModified = now;
            }

            _entries[address] = entry;
            return dest;
        }

        dest = WeightedLeast(_service);
        if (dest is not null)
        {
            _entries[address] = ([dest], now);
        }

        return dest;
    }

    private static long Overhead(SchedulerDestination d) => ((long)d.ActiveConnections << 8) + d.InactiveConnections;

    /// <summary>
    /// ip_vs_dest_set_min over a set, and __ip_vs_lblcr_schedule over the service (the same rule): skips overloaded and
    /// quiescent servers, the first strictly least ratio wins.
    /// </summary>
    private static SchedulerDestination? WeightedLeast(List<SchedulerDestination> list)
    {
        SchedulerDestination? least = null;
        foreach (var d in list)
        {
            if (d.IsOverloaded || d.Weight <= 0)
            {
                continue;
            }

            if (least is null || Overhead(least) * d.Weight > Overhead(d) * least.Weight)
            {
                least = d;
            }
        }

        return least;
    }

    /// <summary>ip_vs_dest_set_max: members with a positive weight (overloaded ones too), first strictly most wins.</summary>
    private static SchedulerDestination? SetMax(List<SchedulerDestination> set)
    {
        SchedulerDestination? most = null;
        foreach (var d in set)
        {
            if (d.Weight <= 0)
            {
                continue;
            }

            if (most is null || Overhead(most) * d.Weight < Overhead(d) * most.Weight)
            {
                most = d;
            }
        }

        return most;
    }

    /// <summary>is_overloaded of ip_vs_lblcr.c.</summary>
    private bool IsOverloaded(SchedulerDestination dest) =>
        dest.ActiveConnections > dest.Weight && _service.Exists(d => (long)d.ActiveConnections * 2 < d.Weight);
}
