using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>ICMP (RFC 792) accessors over an ICMP header span, and echo replies.</summary>
public static class Icmp
{
    public const int HeaderLength = 8;

    public const byte EchoReplyType = 0;
    public const byte DestinationUnreachableType = 3;
    public const byte EchoRequestType = 8;
    public const byte TimeExceededType = 11;

    /// <summary>Code of Destination Unreachable meaning "fragmentation needed and DF set" (RFC 1191).</summary>
    public const byte FragmentationNeededCode = 4;

    /// <summary>TTL of the replies this class builds (the Linux default).</summary>
    public const byte ReplyTtl = 64;

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
