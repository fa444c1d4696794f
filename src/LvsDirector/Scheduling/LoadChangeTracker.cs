namespace LvsDirector.Scheduling;

/// <summary>
/// Where destinations report load changes for one least-load scheduler generation: after every counter, weight or
/// overload change a destination calls <see cref="NoteChange"/>, which only marks it dirty; the next decision
/// (<see cref="Best"/>) re-reads the live values of the dirty destinations once and brings the best destination up
/// to date.
/// </summary>
/// <remarks>
/// <para>
/// Marks are two levels of bytes, one per destination and one per group of 64, written with plain stores: a
/// change costs no atomic operation beyond the counter's own, and a destination already marked costs one read.
/// Several changes to one destination between two decisions (a connection going inactive: −1 active, +1 inactive)
/// are read back once. Why no change is lost: the writer's counter update is a full fence before it reads its
/// mark; the reader clears marks, then fences, then reads counters. Whichever of the two comes first, either the
/// writer sees its mark cleared and sets it again, or the reader, clearing the mark the writer saw set, reads the
/// counter after the writer's update (the store-buffering pattern with a fence on both sides forbids the other
/// outcome). The writer stores its group mark after every destination mark it sets, so a group mark the reader
/// clears either comes back or its destination mark is visible to the reader's re-read after its fence (see
/// LoadBlockMinimum's ReplayIfMarked).
/// </para>
/// <para>
/// A destination reports to one tracker at a time. If a second scheduler attaches a destination that still reports
/// to a live tracker of another scheduler, that other tracker can no longer trust what it holds: it is marked
/// compromised and its scheduler falls back to full scans of the live objects (still exact, only slower).
/// </para>
/// </remarks>
internal abstract class LoadChangeTracker
{
    /// <summary>log2 of the destinations one group mark covers.</summary>
    protected const int GroupShift = 6;

    private int _compromised;

    protected LoadChangeTracker(int count)
    {
        // Whole 64-byte vectors, so readers can test a group's 64 marks (or 64 group marks) at once.
        DirtyDestinations = new byte[(count + 63) & ~63];
        DirtyGroups = new byte[(((count + (1 << GroupShift) - 1) >> GroupShift) + 63) & ~63];
    }

    public bool IsCompromised => Volatile.Read(ref _compromised) != 0;

    /// <summary>Whether some destination has active connections * 2 below its captured weight.</summary>
    public abstract bool AnyBelowHalfWeight { get; }

    /// <summary>1 where a destination changed since the last decision read it back.</summary>
    protected byte[] DirtyDestinations { get; }

    /// <summary>1 where some destination of that group of 64 may be marked.</summary>
    protected byte[] DirtyGroups { get; }

    /// <summary>The index the kernel's scan of the live values would pick, or -1.</summary>
    public abstract int Best();

    public void MarkCompromised() => Volatile.Write(ref _compromised, 1);

    /// <summary>Destination <paramref name="index"/>'s counters, weight or overload flag changed (already stored).</summary>
    public void NoteChange(int index)
    {
        var destinations = DirtyDestinations;
        if ((uint)index < (uint)destinations.Length && destinations[index] == 0)
        {
            // Counter updates are Interlocked (a full fence) before this read; weight and overload setters are
            // control-plane writes that fence here for the same reason.
            // The group mark is stored after the destination mark, never skipped because it reads as set: a reader
            // may have cleared it after that read, before our destination mark became visible to it (no fence sits
            // between our store and such a read), and the mark would then hide in a clear group. Stores keep their
            // order, so a reader that sees the group mark, or clears it after it landed, then sees the destination's.
            Volatile.Write(ref destinations[index], 1);
            Volatile.Write(ref DirtyGroups[index >> GroupShift], 1);
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
