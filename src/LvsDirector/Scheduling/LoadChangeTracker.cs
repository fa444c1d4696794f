namespace LvsDirector.Scheduling;

/// <summary>
/// One version counter per block of destinations plus a dense copy of every destination's load. A destination
/// publishes its counters and overload flag here and then bumps its block's version whenever one of them (or its
/// weight) changes. A scheduler caches a per-block summary tagged with the version it was computed at and rescans a
/// block, from the dense copy, only when its version moved.
/// </summary>
/// <remarks>
/// <para>
/// Publishing re-reads the live values after writing and writes again until they agree, so whichever writer
/// finishes last leaves the copy equal to the live counters: once changes stop, the copy is exact.
/// </para>
/// <para>
/// A destination reports to one tracker at a time. If a second scheduler attaches a destination that still reports
/// to a live tracker of another scheduler, that other tracker can no longer trust its copy: it is marked
/// compromised and its scheduler falls back to full scans of the live objects (still exact, only slower).
/// </para>
/// </remarks>
internal sealed class LoadChangeTracker
{
    // Start at 1 so that freshly zeroed summaries (version 0) never look current.
    public readonly int[] Versions;

    public readonly LoadSample[] Loads;

    private int _compromised;

    public LoadChangeTracker(int destinations, int blocks)
    {
        Versions = new int[blocks];
        Array.Fill(Versions, 1);
        Loads = new LoadSample[destinations];
    }

    public bool IsCompromised => Volatile.Read(ref _compromised) != 0;

    public void MarkCompromised() => Volatile.Write(ref _compromised, 1);

    /// <summary>Points every destination at this tracker; destinations[i] goes to block i >> blockShift.</summary>
    public void Attach(SchedulerDestination[] destinations, int blockShift, LoadChangeTracker? previousOwn)
    {
        for (int i = 0; i < destinations.Length; i++)
        {
            var destination = destinations[i];
            var old = destination.ChangeSlot;
            if (old is not null && old.Tracker != previousOwn && old.Tracker != this)
            {
                old.Tracker.MarkCompromised();
            }

            // Switch first, then copy: a change racing with the copy publishes here itself.
            destination.ChangeSlot = new LoadChangeSlot(this, i, i >> blockShift);
            Publish(destination, i);
        }
    }

    public void Publish(SchedulerDestination destination, int index)
    {
        ref var sample = ref Loads[index];
        while (true)
        {
            int active = destination.ActiveConnections;
            int inactive = destination.InactiveConnections;
            int overloaded = destination.IsOverloaded ? 1 : 0;
            Volatile.Write(ref sample.Active, active);
            Volatile.Write(ref sample.Inactive, inactive);
            Volatile.Write(ref sample.Overloaded, overloaded);
            if (destination.ActiveConnections == active
                && destination.InactiveConnections == inactive
                && (destination.IsOverloaded ? 1 : 0) == overloaded)
            {
                return;
            }
        }
    }

    /// <summary>Unhooks destinations that left the list, if they still report to <paramref name="owner"/>.</summary>
    public static void Detach(SchedulerDestination[] removed, LoadChangeTracker? owner)
    {
        foreach (var destination in removed)
        {
            if (owner is not null && destination.ChangeSlot?.Tracker == owner)
            {
                destination.ChangeSlot = null;
            }
        }
    }
}
