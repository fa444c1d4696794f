namespace LvsDirector.Packets;

/// <summary>
/// IPv6 tunnelling of IPVS (-i) for IPv6 real servers (RFC 2473): the client's packet, untouched, behind a new outer
/// IPv6 header to the real server — next header 41 for an IPv6 inner packet (6in6), 4 for an IPv4 one. Outer hop
/// limit 64, flow label 0, traffic class copied from the inner packet (its TOS for IPv4), as ip6_tnl does by default.
/// The IPv6 sibling of <c>Forwarding.TunnelEncapsulation</c>'s IPIP writer.
/// </summary>
public static class Ipv6Encapsulation
{
    public const int Overhead = Ipv6Header.Length;

    public const byte OuterHopLimit = 64;

    /// <summary>
    /// Writes into <paramref name="output"/> the Ethernet header of <paramref name="frame"/> (VLAN tag kept, ether type
    /// set to IPv6; MACs are left for the caller to set), the outer IPv6 header and the inner packet
    /// (<c>info.IpTotalLength</c> bytes from <c>info.L3Offset</c>). Returns the frame length, or 0 when
    /// <paramref name="output"/> is too small or the inner packet exceeds 65535 bytes (the outer payload length).
    /// <paramref name="output"/> must not overlap <paramref name="frame"/>.
    /// </summary>
    public static int Encapsulate(ReadOnlySpan<byte> frame, in FrameInfo info, Span<byte> output, UInt128 outerSource, UInt128 outerDestination)
    {
        int l3 = info.L3Offset;
        int innerLength = info.IpTotalLength;
        int total = l3 + Overhead + innerLength;
        if (l3 < EthernetHeader.Length || output.Length < total || innerLength > ushort.MaxValue || l3 + innerLength > frame.Length || innerLength <= 0)
        {
            return 0;
        }

        frame[..l3].CopyTo(output);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(output[(l3 - 2)..], EtherType.Ipv6);
        var inner = frame.Slice(l3, innerLength);
        inner.CopyTo(output[(l3 + Overhead)..]);

        bool innerIsIpv6 = info.IsIpv6;
        byte trafficClass = innerIsIpv6 ? Ipv6Header.TrafficClass(inner) : Ipv4Header.TypeOfService(inner);
        Ipv6Header.Write(output[l3..], trafficClass, 0, (ushort)innerLength, innerIsIpv6 ? IpProtocol.Ipv6Encap : IpProtocol.IpIp, OuterHopLimit,
            outerSource, outerDestination);
        return total;
    }
}
