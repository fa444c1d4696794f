namespace LvsDirector.Scheduling;

/// <summary>
/// Ties one destination to its position in one <see cref="LoadChangeTracker"/> generation. Immutable, so a worker
/// that reads the slot reference sees a tracker and an index that belong together, even while the control plane
/// re-attaches the destination to a newer generation.
/// </summary>
internal sealed class LoadChangeSlot
{
    public LoadChangeSlot(LoadChangeTracker tracker, int index)
    {
        Tracker = tracker;
        Index = index;
    }

    public LoadChangeTracker Tracker { get; }

    public int Index { get; }

    /// <summary>Marks the destination changed in the tracker (after the counter moved).</summary>
    public void Touch() => Tracker.NoteChange(Index);
}
