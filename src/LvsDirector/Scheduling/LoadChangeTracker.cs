namespace LvsDirector.Scheduling;

/// <summary>
/// One version counter per block of destinations, bumped whenever a counter, the weight or the overload flag of a
/// destination in the block changes. A scheduler caches a per-block summary tagged with the version it was
/// computed at and rescans a block only when its version moved.
/// </summary>
/// <remarks>
/// A destination reports to one tracker at a time. If a second scheduler attaches a destination that still reports
/// to a live tracker of another scheduler, that other tracker can no longer trust its summaries: it is marked
/// compromised and its scheduler falls back to full scans (still exact, only slower).
/// </remarks>
internal sealed class LoadChangeTracker
{
    // Start at 1 so that freshly zeroed summaries (version 0) never look current.
    public readonly int[] Versions;

    private int _compromised;

    public LoadChangeTracker(int blocks)
    {
        Versions = new int[blocks];
        Array.Fill(Versions, 1);
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

            destination.ChangeSlot = new LoadChangeSlot(this, i >> blockShift);
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
