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
}
