using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace LvsDirector.Scheduling;

/// <summary>
/// Looks schedulers up by their ipvsadm name (-s NAME). Adding one is its own file plus one line in
/// <see cref="Factories"/>. Names are matched exactly, as the kernel does.
/// </summary>
public static class SchedulerRegistry
{
    private static readonly FrozenDictionary<string, Func<Scheduler>> Factories =
        new Dictionary<string, Func<Scheduler>>(StringComparer.Ordinal)
        {
            [RoundRobinScheduler.SchedulerName] = static () => new RoundRobinScheduler(),
            [WeightedRoundRobinScheduler.SchedulerName] = static () => new WeightedRoundRobinScheduler(),
            [LeastConnectionScheduler.SchedulerName] = static () => new LeastConnectionScheduler(),
            [WeightedLeastConnectionScheduler.SchedulerName] = static () => new WeightedLeastConnectionScheduler(),
            [ShortestExpectedDelayScheduler.SchedulerName] = static () => new ShortestExpectedDelayScheduler(),
            [NeverQueueScheduler.SchedulerName] = static () => new NeverQueueScheduler(),
            [SourceHashingScheduler.SchedulerName] = static () => new SourceHashingScheduler(),
            [DestinationHashingScheduler.SchedulerName] = static () => new DestinationHashingScheduler(),
            [LocalityBasedLeastConnectionScheduler.SchedulerName] = static () => new LocalityBasedLeastConnectionScheduler(),
            [LocalityBasedLeastConnectionReplicationScheduler.SchedulerName] = static () => new LocalityBasedLeastConnectionReplicationScheduler(),
            [MaglevHashScheduler.SchedulerName] = static () => new MaglevHashScheduler(),
            [WeightedFailoverScheduler.SchedulerName] = static () => new WeightedFailoverScheduler(),
            [WeightedOverflowScheduler.SchedulerName] = static () => new WeightedOverflowScheduler(),
            [TwoRandomChoicesScheduler.SchedulerName] = static () => new TwoRandomChoicesScheduler(),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>The known names, in no particular order.</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static bool IsKnown(string name) => name is not null && Factories.ContainsKey(name);

    /// <summary>Creates a fresh scheduler (each virtual service owns its own instance and state).</summary>
    public static bool TryCreate(string name, [NotNullWhen(true)] out Scheduler? scheduler)
    {
        if (name is not null && Factories.TryGetValue(name, out var factory))
        {
            scheduler = factory();
            return true;
        }

        scheduler = null;
        return false;
    }

    /// <summary>Creates a fresh scheduler and applies -b flags to it.</summary>
    public static bool TryCreate(string name, SchedulerFlags flags, [NotNullWhen(true)] out Scheduler? scheduler)
    {
        if (!TryCreate(name, out scheduler))
        {
            return false;
        }

        scheduler.Configure(flags);
        return true;
    }

    /// <summary>
    /// Parses ipvsadm -b names (flag-1..3, sh-fallback, sh-port, mh-fallback, mh-port). The sh-/mh- names are only
    /// accepted for their own scheduler, as ipvsadm does; flag-N is accepted for any.
    /// </summary>
    public static bool TryParseFlags(string scheduler, IEnumerable<string>? names, out SchedulerFlags flags)
    {
        flags = SchedulerFlags.None;
        if (names is null)
        {
            return true;
        }

        foreach (var name in names)
        {
            var (flag, owner) = name switch
            {
                "flag-1" => (SchedulerFlags.Flag1, null),
                "flag-2" => (SchedulerFlags.Flag2, null),
                "flag-3" => (SchedulerFlags.Flag3, null),
                "sh-fallback" => (SchedulerFlags.Flag1, "sh"),
                "sh-port" => (SchedulerFlags.Flag2, "sh"),
                "mh-fallback" => (SchedulerFlags.Flag1, "mh"),
                "mh-port" => (SchedulerFlags.Flag2, "mh"),
                _ => (SchedulerFlags.None, (string?)string.Empty),
            };

            if (owner is not null && !string.Equals(owner, scheduler, StringComparison.Ordinal))
            {
                flags = SchedulerFlags.None;
                return false;
            }

            flags |= flag;
        }

        return true;
    }
}
