using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>ICMP (RFC 792) accessors over an ICMP header span, and echo replies.</summary>
public static class Icmp
{
    public const int HeaderLength = 8;

    public const byte EchoReplyType = 0;
    public const byte DestinationUnreachableType = 3;
    public const byte SourceQuenchType = 4;
    public const byte EchoRequestType = 8;
    public const byte TimeExceededType = 11;

    /// <summary>Code of Destination Unreachable meaning "fragmentation needed and DF set" (RFC 1191).</summary>
    public const byte FragmentationNeededCode = 4;

    /// <summary>TTL of the replies this class builds (the Linux default).</summary>
    public const byte ReplyTtl = 64;

    /// <summary>The error types IPVS translates for a connection (ip_vs_in_icmp, ip_vs_out_icmp); others are not about a flow of ours.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsTranslatedError(byte type) =>
        type is DestinationUnreachableType or SourceQuenchType or TimeExceededType;

    /// <summary>True when the Internet checksum over the whole ICMP message (header and data) is correct.</summary>
    public static bool IsChecksumValid(ReadOnlySpan<byte> icmpMessage) =>
        icmpMessage.Length >= HeaderLength && LvsDirector.Packets.Checksum.Fold(LvsDirector.Packets.Checksum.Add(icmpMessage)) == 0xFFFF;

    /// <summary>
    /// Reads the packet an ICMP error quotes (RFC 792: its IP header and at least 8 bytes of its data), bounded by the
    /// outer IP total length. Returns false when the quoted IPv4 header is not wholly present or not valid IPv4; then
    /// nothing about the quote may be trusted. <see cref="QuotedPacket.HasPorts"/> says whether TCP/UDP ports could be read
    /// (never for a quoted non-first fragment).
    /// </summary>
    public static bool TryReadQuoted(ReadOnlySpan<byte> frame, in FrameInfo info, out QuotedPacket quoted)
    {
        quoted = default;
        if (info.Protocol != IpProtocol.Icmp || !info.HasTransportHeader || info.IsFragment || info.L4Length < HeaderLength
            || info.L4Offset + info.L4Length > frame.Length)
        {
            return false;
        }

        int l3 = info.L4Offset + HeaderLength;
        int end = info.L4Offset + info.L4Length;
        if (end - l3 < Ipv4Header.MinLength)
        {
            return false;
        }

        var ip = frame[l3..end];
        int headerLength = Ipv4Header.HeaderLength(ip);
        if (Ipv4Header.Version(ip) != 4 || headerLength < Ipv4Header.MinLength || headerLength > ip.Length)
        {
            return false;
        }

        quoted.L3Offset = l3;
        quoted.HeaderLength = headerLength;
        quoted.Protocol = Ipv4Header.Protocol(ip);
        quoted.SourceAddress = Ipv4Header.Source(ip);
        quoted.DestinationAddress = Ipv4Header.Destination(ip);
        quoted.IsLaterFragment = (Ipv4Header.FlagsAndFragmentOffset(ip) & Ipv4Header.FragmentOffsetMask) != 0;
        quoted.L4Offset = l3 + headerLength;
        quoted.L4Available = ip.Length - headerLength;
        if (!quoted.IsLaterFragment && quoted.Protocol is (IpProtocol.Tcp or IpProtocol.Udp) && quoted.L4Available >= 4)
        {
            quoted.HasPorts = true;
            quoted.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(ip[headerLength..]);
            quoted.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(ip[(headerLength + 2)..]);
        }

        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Type(ReadOnlySpan<byte> icmp) => icmp[0];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte Code(ReadOnlySpan<byte> icmp) => icmp[1];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Checksum(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt16BigEndian(icmp[2..]);

    /// <summary>Identifier of an echo request/reply (the "port" of ICMP queries).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort Identifier(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt16BigEndian(icmp[4..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort SequenceNumber(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);

    /// <summary>Next-hop MTU of a "fragmentation needed" message (RFC 1191).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort NextHopMtu(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt16BigEndian(icmp[6..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetChecksum(Span<byte> icmp, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(icmp[2..], value);

    /// <summary>
    /// Builds into <paramref name="destination"/> the echo reply to a parsed echo request: MACs swapped (source
    /// <paramref name="sourceMac"/>), the VLAN tag kept, a fresh 20-byte IP header (request options dropped, same
    /// id and TOS, TTL 64, addresses swapped), ICMP type 0 with identifier, sequence and data copied, all checksums
    /// computed. Returns bytes written, or 0 when the request is not a complete unfragmented echo request or
    /// <paramref name="destination"/> is too small. <paramref name="destination"/> must not overlap the request.
    /// </summary>
    public static int WriteEchoReply(Span<byte> destination, ReadOnlySpan<byte> echoRequestFrame, in FrameInfo info, MacAddress sourceMac)
    {
        if (info.Protocol != IpProtocol.Icmp || !info.HasTransportHeader || info.IsFragment || info.IcmpType != EchoRequestType
            || info.IcmpCode != 0 || info.L4Length < HeaderLength || info.L3Offset < EthernetHeader.Length
            || info.L4Offset + info.L4Length > echoRequestFrame.Length)
        {
            return 0;
        }

        int l3 = info.L3Offset;
        int length = l3 + Ipv4Header.MinLength + info.L4Length;
        if (destination.Length < length || length > l3 + ushort.MaxValue)
        {
            return 0;
        }

        // Ethernet (and VLAN tag) copied, then addressed back to the requester.
        echoRequestFrame[..l3].CopyTo(destination);
        EthernetHeader.SetDestination(destination, EthernetHeader.Source(echoRequestFrame));
        EthernetHeader.SetSource(destination, sourceMac);

        var request = echoRequestFrame[l3..];
        var ip = destination.Slice(l3, Ipv4Header.MinLength);
        Ipv4Header.Write(
            ip,
            Ipv4Header.TypeOfService(request),
            (ushort)(Ipv4Header.MinLength + info.L4Length),
            Ipv4Header.Identification(request),
            dontFragment: false,
            ReplyTtl,
            IpProtocol.Icmp,
            info.DestinationAddress,
            info.SourceAddress);

        var icmp = destination.Slice(l3 + Ipv4Header.MinLength, info.L4Length);
        echoRequestFrame.Slice(info.L4Offset, info.L4Length).CopyTo(icmp);
        icmp[0] = EchoReplyType;
        icmp[1] = 0;
        SetChecksum(icmp, 0);
        SetChecksum(icmp, LvsDirector.Packets.Checksum.Finish(LvsDirector.Packets.Checksum.Add(icmp)));
        return length;
    }
}
