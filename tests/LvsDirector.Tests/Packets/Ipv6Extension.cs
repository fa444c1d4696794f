using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

/// <summary>One extension header for <see cref="Ipv6FrameBuilder"/>: options/routing headers are PadN-filled; a fragment header has offset (bytes, multiple of 8), M flag and id.</summary>
internal sealed record Ipv6Extension(byte Type, int Length = 8, ushort FragmentOffset = 0, bool More = false, uint Id = 0)
{
    public static Ipv6Extension HopByHop(int length = 8) => new(Ipv6Header.HopByHopOptions, length);

    public static Ipv6Extension DestinationOptions(int length = 8) => new(Ipv6Header.DestinationOptions, length);

    public static Ipv6Extension Routing(int length = 24) => new(Ipv6Header.Routing, length);

    public static Ipv6Extension Fragment(ushort offset, bool more, uint id) => new(Ipv6Header.Fragment, 8, offset, more, id);
}
