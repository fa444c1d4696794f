namespace LvsDirector.Scheduling;

/// <summary>
/// Ties one destination to its position and block in one <see cref="LoadChangeTracker"/> generation. Immutable, so
/// a worker that reads the slot reference sees a tracker, an index and a block that belong together, even while the
/// control plane re-attaches the destination to a newer generation.
/// </summary>
internal sealed class LoadChangeSlot
{
    public LoadChangeSlot(LoadChangeTracker tracker, int index, int block)
    {
        Tracker = tracker;
        Index = index;
        Block = block;
    }

    public LoadChangeTracker Tracker { get; }

    public int Index { get; }

    public int Block { get; }

    /// <summary>Publishes the destination's current load, then moves its block's version (in that order).</summary>
    public void Touch(SchedulerDestination destination)
    {
        Tracker.Publish(destination, Index);
        Interlocked.Increment(ref Tracker.Versions[Block]);
    }
}
