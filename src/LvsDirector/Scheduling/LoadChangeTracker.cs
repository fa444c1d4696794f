namespace LvsDirector.Scheduling;

/// <summary>
/// Where destinations report load changes for one least-load scheduler generation: after every counter, weight or
/// overload change a destination calls <see cref="Refresh"/>, which re-reads its live values, so the tracker can
/// keep the current best destination ready for the next decision.
/// </summary>
/// <remarks>
/// A destination reports to one tracker at a time. If a second scheduler attaches a destination that still reports
/// to a live tracker of another scheduler, that other tracker can no longer trust what it holds: it is marked
/// compromised and its scheduler falls back to full scans of the live objects (still exact, only slower).
/// </remarks>
internal abstract class LoadChangeTracker
{
    private int _compromised;

    public bool IsCompromised => Volatile.Read(ref _compromised) != 0;

    /// <summary>The index the kernel's scan would pick from the values last refreshed, or -1.</summary>
    public abstract int Best { get; }

    /// <summary>Whether some destination has active connections * 2 below its captured weight.</summary>
    public abstract bool AnyBelowHalfWeight { get; }

    public void MarkCompromised() => Volatile.Write(ref _compromised, 1);

    /// <summary>Re-reads destination <paramref name="index"/>'s live counters and overload flag.</summary>
    public abstract void Refresh(SchedulerDestination destination, int index);

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

    /// <summary>Marks the tracker a destination reported to compromised unless it is one of ours.</summary>
    protected void TakeOver(SchedulerDestination destination, LoadChangeTracker? previousOwn, int index)
    {
        var old = destination.ChangeSlot;
        if (old is not null && old.Tracker != previousOwn && old.Tracker != this)
        {
            old.Tracker.MarkCompromised();
        }

        destination.ChangeSlot = new LoadChangeSlot(this, index);
    }
}
