using LvsDirector.Packets;

namespace LvsDirector.Neighbors;

/// <summary>One IPv4 neighbour on one link; slot in <see cref="NeighborTable"/>'s preallocated array.</summary>
internal struct NeighborEntry
{
    public uint Address;
    public bool InUse;
    public bool Resolved;
    public MacAddress Mac;
    public long ReachableUntilMs;
    public long LastProbeMs;
    public int ProbesSinceAnswer;
    public int HeldSlot;
}
