namespace LvsDirector.DataPath;

/// <summary>The IPv4 fragment cache, keyed by <see cref="FragmentKey"/>; see <see cref="FragmentTracker{TKey}"/>.</summary>
internal sealed class FragmentTracker : FragmentTracker<FragmentKey>
{
    public FragmentTracker(
        int buckets = DefaultBuckets, int heldSlots = DefaultHeldSlots, int heldSlotBytes = DefaultHeldSlotBytes, long timeoutMs = DefaultTimeoutMs)
        : base(buckets, heldSlots, heldSlotBytes, timeoutMs)
    {
    }
}
