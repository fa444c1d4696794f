using System.Numerics;
using LvsDirector.Neighbors;

namespace LvsDirector.Forwarding;

/// <summary>One IPv4 route of an interface: packets to <c>(address &amp; Mask) == Destination</c> go to <see cref="Gateway"/>.</summary>
/// <param name="Destination">Network address, host order.</param>
/// <param name="Mask">Netmask, host order (0 for the default route).</param>
/// <param name="Gateway">Next hop, host order; 0 means on-link.</param>
public readonly record struct Route(uint Destination, uint Mask, uint Gateway) : IRoute<uint>
{
    /// <summary>The mask's length (kernel netmasks are contiguous).</summary>
    public int PrefixLength => BitOperations.PopCount(Mask);

    public bool Matches(uint address) => (address & Mask) == Destination;
}
