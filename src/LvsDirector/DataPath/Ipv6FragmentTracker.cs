namespace LvsDirector.DataPath;

/// <summary>
/// The IPv6 fragment cache, keyed by <see cref="Ipv6FragmentKey"/>: the same code as the IPv4
/// <see cref="FragmentTracker"/>. The first fragment (offset 0) carries the upper-layer header after the fragment
/// header, so its ports are recorded the same way.
/// </summary>
internal sealed class Ipv6FragmentTracker : FragmentTracker<Ipv6FragmentKey>
{
    public Ipv6FragmentTracker(
        int buckets = DefaultBuckets, int heldSlots = DefaultHeldSlots, int heldSlotBytes = DefaultHeldSlotBytes, long timeoutMs = DefaultTimeoutMs)
        : base(buckets, heldSlots, heldSlotBytes, timeoutMs)
    {
    }
}
