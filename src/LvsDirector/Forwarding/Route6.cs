using LvsDirector.Neighbors;
using LvsDirector.Packets;

namespace LvsDirector.Forwarding;

/// <summary>One IPv6 route of an interface: packets to <c>(address &amp; Mask) == Destination</c> go to <see cref="Gateway"/>.</summary>
/// <param name="Destination">Network prefix, first wire byte most significant.</param>
/// <param name="PrefixLength">Prefix length, 0 for the default route.</param>
/// <param name="Gateway">Next hop (often a router's fe80:: address); 0 means on-link.</param>
public readonly record struct Route6(UInt128 Destination, int PrefixLength, UInt128 Gateway) : IRoute<UInt128>
{
    /// <summary>The prefix as a mask, kept beside the length so matching is one AND and one compare.</summary>
    public UInt128 Mask { get; } = Ipv6Address.PrefixMask(Math.Clamp(PrefixLength, 0, 128));

    public bool Matches(UInt128 address) => (address & Mask) == Destination;
}
