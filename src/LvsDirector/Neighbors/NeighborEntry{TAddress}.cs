using LvsDirector.Packets;

namespace LvsDirector.Neighbors;

/// <summary>One neighbour on one link; slot in <see cref="NeighborTable{TAddress}"/>'s preallocated array.</summary>
internal struct NeighborEntry<TAddress>
    where TAddress : unmanaged, IEquatable<TAddress>
{
    public TAddress Address;
    public bool InUse;
    public bool Resolved;
    public MacAddress Mac;
    public long ReachableUntilMs;
    public long LastProbeMs;
    public int ProbesSinceAnswer;
    public int HeldSlot;
}
