namespace LvsDirector.Scheduling;

/// <summary>
/// Ties one destination to the block it occupies in one <see cref="LoadChangeTracker"/> generation. Immutable, so a
/// worker that reads the slot reference sees a tracker and a block index that belong together, even while the
/// control plane re-attaches the destination to a newer generation.
/// </summary>
internal sealed class LoadChangeSlot
{
    public LoadChangeSlot(LoadChangeTracker tracker, int block)
    {
        Tracker = tracker;
        Block = block;
    }

    public LoadChangeTracker Tracker { get; }

    public int Block { get; }

    public void Touch() => Interlocked.Increment(ref Tracker.Versions[Block]);
}
