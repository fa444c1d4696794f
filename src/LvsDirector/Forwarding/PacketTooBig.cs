using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Forwarding;

/// <summary>
/// The ICMPv6 Packet Too Big (type 2, code 0, RFC 4443 3.2) that IPVS sends the client when an IPv6 packet does not fit
/// the path to the real server (ensure_mtu_is_adequate → icmpv6_send). IPv6 routers never fragment, so unlike IPv4 this
/// is the only answer to an oversize packet. It comes from the packet's destination (the VIP), quotes as much of the
/// packet as fits a 1280-byte datagram (the IPv6 minimum MTU, RFC 4443 2.4 (c)) and carries the MTU.
/// </summary>
public static class PacketTooBig
{
    public const byte Type = 2;

    /// <summary>Hop limit of our ICMPv6 errors (Linux's default hop limit).</summary>
    public const byte HopLimit = 64;

    private const int HeaderLength = 8;

    /// <summary>
    /// Builds the answer to <paramref name="frame"/> (an IPv6 packet from the client) into <paramref name="destination"/>:
    /// Ethernet back to the frame's source MAC from <paramref name="sourceMac"/> (VLAN tag kept), IPv6 from the packet's
    /// destination to its source, ICMPv6 2/0 with <paramref name="mtu"/>. Returns the frame length, or 0 when the frame is
    /// not such a packet or <paramref name="destination"/> is too small.
    /// </summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> frame, in FrameInfo info, MacAddress sourceMac, uint mtu)
    {
        var l3 = info.L3Offset;
        if (!info.IsIpv6 || l3 < EthernetHeader.Length || info.IpTotalLength < Ipv6Header.Length || l3 + info.IpTotalLength > frame.Length)
        {
            return 0;
        }

        var quoted = Math.Min(info.IpTotalLength, Ipv6Header.MinimumMtu - Ipv6Header.Length - HeaderLength);
        var icmpLength = HeaderLength + quoted;
        if (destination.Length < l3 + Ipv6Header.Length + icmpLength)
        {
            return 0;
        }

        frame[..l3].CopyTo(destination);
        EthernetHeader.SetDestination(destination, EthernetHeader.Source(frame));
        EthernetHeader.SetSource(destination, sourceMac);

        var inner = frame.Slice(l3, info.IpTotalLength);
        Ipv6Header.Write(destination[l3..], Ipv6Header.TrafficClass(inner), 0, (ushort)icmpLength, IpProtocol.Icmpv6, HopLimit,
            info.DestinationAddress6, info.SourceAddress6);

        var icmp = destination.Slice(l3 + Ipv6Header.Length, icmpLength);
        icmp[0] = Type;
        icmp[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], mtu);
        inner[..quoted].CopyTo(icmp[HeaderLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..],
            Checksum.Transport6(icmp, 2, info.DestinationAddress6, info.SourceAddress6, IpProtocol.Icmpv6));
        return l3 + Ipv6Header.Length + icmpLength;
    }
}
