using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// A neighbour's MAC address as worker 0 read it from ARP or Neighbor Discovery, passed on to the other workers:
/// the fanout steers all of those frames to worker 0, yet every worker resolves next hops in its own cache.
/// </summary>
internal readonly record struct LearnedNeighbor(int Link, bool IsIpv6, uint Address, UInt128 Address6, MacAddress Mac);
