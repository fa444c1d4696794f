using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// ICMPv6 (RFC 4443) as the data path needs it: echo replies from a VIP, and reading and translating the errors that
/// quote a NAT connection's packet (IPVS ip_vs_in_icmp_v6 / ip_vs_out_icmp_v6 → ip_vs_nat_icmp_v6).
/// </summary>
internal static class Icmpv6Frames
{
    public const byte DestinationUnreachable = 1;
    public const byte PacketTooBig = 2;
    public const byte TimeExceeded = 3;
    public const byte ParameterProblem = 4;
    public const byte EchoRequest = 128;
    public const byte EchoReply = 129;
    public const byte ReplyHopLimit = 64;

    private const int HeaderLength = 8;

    /// <summary>The error types IPVS translates for NAT connections.</summary>
    public static bool IsError(byte type) => type is >= DestinationUnreachable and <= ParameterProblem;

    /// <summary>The ICMPv6 checksum (pseudo-header included) of the parsed message is correct.</summary>
    public static bool IsChecksumValid(ReadOnlySpan<byte> frame, in FrameInfo info)
    {
        var icmp = frame.Slice(info.L4Offset, info.L4Length);
        var sum = (ulong)Checksum.Add(icmp) + Checksum.PseudoHeader6(info.SourceAddress6, info.DestinationAddress6, IpProtocol.Icmpv6, icmp.Length);
        return Checksum.Fold(sum) == 0xFFFF;
    }

    /// <summary>
    /// Reads the quoted packet of an error: its addresses and, past any extension headers, the upper-layer protocol and
    /// ports. False when the quote is too short for the IPv6 header or its extension headers run past the quote.
    /// </summary>
    public static bool TryReadQuoted(ReadOnlySpan<byte> frame, in FrameInfo info, out QuotedPacket6 quoted)
    {
        quoted = default;
        var l3 = info.L4Offset + HeaderLength;
        var end = info.L4Offset + info.L4Length;
        if (info.L4Length < HeaderLength + Ipv6Header.Length || end > frame.Length)
        {
            return false;
        }

        var ip = frame[l3..end];
        var next = Ipv6Header.NextHeader(ip);
        var offset = Ipv6Header.Length;
        var laterFragment = false;
        for (var count = 0; next is Ipv6Header.HopByHopOptions or Ipv6Header.Routing or Ipv6Header.DestinationOptions or Ipv6Header.Fragment; count++)
        {
            if (count == Ipv6Header.MaxExtensionHeaders || offset + 8 > ip.Length)
            {
                return false;
            }

            var header = ip[offset..];
            if (next == Ipv6Header.Fragment)
            {
                laterFragment |= (BinaryPrimitives.ReadUInt16BigEndian(header[2..]) & Ipv6Header.FragmentOffsetMask) != 0;
                offset += Ipv6Header.FragmentHeaderLength;
            }
            else
            {
                offset += (header[1] + 1) * 8;
            }

            next = header[0];
        }

        if (offset > ip.Length)
        {
            return false;
        }

        var available = ip.Length - offset;
        var hasPorts = !laterFragment && available >= 4 && next is IpProtocol.Tcp or IpProtocol.Udp;
        quoted = new QuotedPacket6(
            l3, next, Ipv6Header.Source(ip), Ipv6Header.Destination(ip), hasPorts,
            hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(ip[offset..]) : (ushort)0,
            hasPorts ? BinaryPrimitives.ReadUInt16BigEndian(ip[(offset + 2)..]) : (ushort)0,
            l3 + offset, available);
        return true;
    }

    /// <summary>
    /// An error from the client side about a packet sent to the client (VIP:vport → CIP:cport): the outer destination,
    /// the quoted source and source port become the real server's.
    /// </summary>
    public static void TranslateTowardsServer(Span<byte> frame, in FrameInfo info, in QuotedPacket6 quoted, UInt128 realAddress, ushort realPort)
    {
        Ipv6Header.SetDestination(frame[info.L3Offset..], realAddress);
        RewriteQuoted(frame, in quoted, sourceSide: true, realAddress, realPort);
        FinishChecksum(frame, in info, info.SourceAddress6, realAddress);
    }

    /// <summary>
    /// An error from the real server side about a packet sent to it (CIP:cport → RIP:rport): the outer source, the
    /// quoted destination and destination port become the VIP's.
    /// </summary>
    public static void TranslateTowardsClient(Span<byte> frame, in FrameInfo info, in QuotedPacket6 quoted, UInt128 virtualAddress, ushort virtualPort)
    {
        Ipv6Header.SetSource(frame[info.L3Offset..], virtualAddress);
        RewriteQuoted(frame, in quoted, sourceSide: false, virtualAddress, virtualPort);
        FinishChecksum(frame, in info, virtualAddress, info.DestinationAddress6);
    }

    /// <summary>
    /// Builds the echo reply to a parsed echo request into <paramref name="destination"/> (which must not overlap it):
    /// MACs swapped, a fresh 40-byte header (extension headers dropped) from the VIP, type 129, data copied. Returns the
    /// frame length, or 0 when the request is not a complete echo request or <paramref name="destination"/> is too small.
    /// </summary>
    public static int WriteEchoReply(Span<byte> destination, ReadOnlySpan<byte> frame, in FrameInfo info, MacAddress sourceMac)
    {
        var l3 = info.L3Offset;
        var length = l3 + Ipv6Header.Length + info.L4Length;
        if (!info.IsIpv6 || info.IsFragment || info.IcmpType != EchoRequest || info.IcmpCode != 0 || info.L4Length < HeaderLength
            || l3 < EthernetHeader.Length || info.L4Offset + info.L4Length > frame.Length || destination.Length < length)
        {
            return 0;
        }

        frame[..l3].CopyTo(destination);
        EthernetHeader.SetDestination(destination, EthernetHeader.Source(frame));
        EthernetHeader.SetSource(destination, sourceMac);
        Ipv6Header.Write(destination[l3..], Ipv6Header.TrafficClass(frame[l3..]), 0, (ushort)info.L4Length, IpProtocol.Icmpv6, ReplyHopLimit,
            info.DestinationAddress6, info.SourceAddress6);
        var icmp = destination.Slice(l3 + Ipv6Header.Length, info.L4Length);
        frame.Slice(info.L4Offset, info.L4Length).CopyTo(icmp);
        icmp[0] = EchoReply;
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Transport6(icmp, 2, info.DestinationAddress6, info.SourceAddress6, IpProtocol.Icmpv6));
        return length;
    }

    private static void RewriteQuoted(Span<byte> frame, in QuotedPacket6 quoted, bool sourceSide, UInt128 address, ushort port)
    {
        var ip = frame[quoted.L3Offset..];
        var oldAddress = sourceSide ? quoted.SourceAddress : quoted.DestinationAddress;
        if (sourceSide)
        {
            Ipv6Header.SetSource(ip, address);
        }
        else
        {
            Ipv6Header.SetDestination(ip, address);
        }

        if (!quoted.HasPorts)
        {
            return;
        }

        var l4 = frame[quoted.L4Offset..];
        var portOffset = sourceSide ? 0 : 2;
        var oldPort = BinaryPrimitives.ReadUInt16BigEndian(l4[portOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(l4[portOffset..], port);

        // The quoted transport checksum follows when the quote holds it, so the quote is the packet as it was sent.
        var checksumOffset = quoted.Protocol == IpProtocol.Tcp ? 16 : 6;
        if (quoted.L4Available >= checksumOffset + 2)
        {
            var stored = BinaryPrimitives.ReadUInt16BigEndian(l4[checksumOffset..]);
            if (stored != 0 || quoted.Protocol == IpProtocol.Tcp)
            {
                BinaryPrimitives.WriteUInt16BigEndian(l4[checksumOffset..], Checksum.Update144(stored, oldAddress, address, oldPort, port));
            }
        }
    }

    private static void FinishChecksum(Span<byte> frame, in FrameInfo info, UInt128 source, UInt128 destination)
    {
        var icmp = frame.Slice(info.L4Offset, info.L4Length);
        BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], Checksum.Transport6(icmp, 2, source, destination, IpProtocol.Icmpv6));
    }
}
