using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>
/// ICMPv6 (RFC 4443): echo replies, error messages (Packet Too Big above all) and reading the packet an error quotes.
/// The ICMPv6 checksum covers the IPv6 pseudo-header. Header accessors of <see cref="Icmp"/> apply unchanged.
/// </summary>
public static class Icmpv6
{
    public const byte DestinationUnreachableType = 1;
    public const byte PacketTooBigType = 2;
    public const byte TimeExceededType = 3;
    public const byte ParameterProblemType = 4;
    public const byte EchoRequestType = 128;
    public const byte EchoReplyType = 129;

    /// <summary>Hop limit of the messages this class builds (the Linux default).</summary>
    public const byte ReplyHopLimit = 64;

    /// <summary>Largest ICMPv6 error message including its IPv6 header (RFC 4443 2.4(c)): the IPv6 minimum MTU.</summary>
    public const int MaxErrorLength = Ipv6Header.MinimumMtu;

    /// <summary>The errors IPVS translates for a connection (ip_vs_in_icmp_v6): destination unreachable, packet too big, time exceeded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsTranslatedError(byte type) => type is DestinationUnreachableType or PacketTooBigType or TimeExceededType;

    /// <summary>Errors have types below 128 (RFC 4443 2.1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsError(byte type) => type < 128;

    /// <summary>The MTU field of a Packet Too Big message.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mtu(ReadOnlySpan<byte> icmp) => BinaryPrimitives.ReadUInt32BigEndian(icmp[4..]);

    /// <summary>
    /// Reads the packet an ICMPv6 error quotes: its fixed header must be wholly present and version 6, then extension
    /// headers are walked as far as the quote reaches (bounded like the parser). Returns false when the frame is not an
    /// unfragmented ICMPv6 error or the quoted fixed header is missing. <see cref="Ipv6QuotedPacket.HasPorts"/> says
    /// whether TCP/UDP ports could be read.
    /// </summary>
    public static bool TryReadQuoted(ReadOnlySpan<byte> frame, in FrameInfo info, out Ipv6QuotedPacket quoted)
    {
        quoted = default;
        if (!info.IsIpv6 || info.Protocol != IpProtocol.Icmpv6 || !info.HasTransportHeader || info.IsFragment
            || !IsError(info.IcmpType) || info.L4Length < Icmp.HeaderLength || info.L4Offset + info.L4Length > frame.Length)
        {
            return false;
        }

        int l3 = info.L4Offset + Icmp.HeaderLength;
        var ip = frame[l3..(info.L4Offset + info.L4Length)];
        if (ip.Length < Ipv6Header.Length || Ipv6Header.Version(ip) != 6)
        {
            return false;
        }

        quoted.L3Offset = l3;
        quoted.SourceAddress = Ipv6Header.Source(ip);
        quoted.DestinationAddress = Ipv6Header.Destination(ip);
        byte next = Ipv6Header.NextHeader(ip);
        int offset = Ipv6Header.Length;
        for (int count = 0; count <= Ipv6Header.MaxExtensionHeaders; count++)
        {
            if (next is not (Ipv6Header.HopByHopOptions or Ipv6Header.Routing or Ipv6Header.DestinationOptions or Ipv6Header.Fragment))
            {
                quoted.HasTransport = true;
                break;
            }

            if (count == Ipv6Header.MaxExtensionHeaders || ip.Length - offset < 8)
            {
                break;
            }

            var header = ip[offset..];
            int length = next == Ipv6Header.Fragment ? Ipv6Header.FragmentHeaderLength : (header[1] + 1) << 3;
            if (ip.Length - offset < length)
            {
                break;
            }

            if (next == Ipv6Header.Fragment && (BinaryPrimitives.ReadUInt16BigEndian(header[2..]) & Ipv6Header.FragmentOffsetMask) != 0)
            {
                quoted.IsLaterFragment = true;
                next = header[0];
                offset += length;
                break;
            }

            next = header[0];
            offset += length;
        }

        quoted.HeaderLength = offset;
        quoted.Protocol = next;
        quoted.L4Offset = l3 + offset;
        quoted.L4Available = ip.Length - offset;
        if (quoted.HasTransport && !quoted.IsLaterFragment && next is (IpProtocol.Tcp or IpProtocol.Udp) && quoted.L4Available >= 4)
        {
            quoted.HasPorts = true;
            quoted.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(ip[offset..]);
            quoted.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(ip[(offset + 2)..]);
        }

        return true;
    }

    /// <summary>
    /// Builds into <paramref name="destination"/> the echo reply to a parsed echo request: MACs swapped (source
    /// <paramref name="sourceMac"/>), VLAN tag kept, a fresh IPv6 header (extension headers dropped, traffic class
    /// kept, flow label 0, hop limit 64, addresses swapped), type 129 with identifier, sequence and data copied,
    /// checksum computed. Returns bytes written, or 0 when the request is not a complete unfragmented echo request or the
    /// buffer is too small. <paramref name="destination"/> must not overlap the request.
    /// </summary>
    public static int WriteEchoReply(Span<byte> destination, ReadOnlySpan<byte> echoRequestFrame, in FrameInfo info, MacAddress sourceMac)
    {
        if (!IsEchoRequest(echoRequestFrame, in info))
        {
            return 0;
        }

        int l3 = info.L3Offset;
        int length = l3 + Ipv6Header.Length + info.L4Length;
        if (destination.Length < length || info.L4Length > ushort.MaxValue)
        {
            return 0;
        }

        echoRequestFrame[..l3].CopyTo(destination);
        EthernetHeader.SetDestination(destination, EthernetHeader.Source(echoRequestFrame));
        EthernetHeader.SetSource(destination, sourceMac);
        Ipv6Header.Write(destination[l3..], Ipv6Header.TrafficClass(echoRequestFrame[l3..]), 0, (ushort)info.L4Length, IpProtocol.Icmpv6,
            ReplyHopLimit, info.DestinationAddress6, info.SourceAddress6);
        var icmp = destination.Slice(l3 + Ipv6Header.Length, info.L4Length);
        echoRequestFrame.Slice(info.L4Offset, info.L4Length).CopyTo(icmp);
        icmp[0] = EchoReplyType;
        Icmp.SetChecksum(icmp, Checksum.Transport6(icmp, 2, info.DestinationAddress6, info.SourceAddress6, IpProtocol.Icmpv6));
        return length;
    }

    /// <summary>
    /// Turns a parsed echo request into its reply in place: MACs swapped (source <paramref name="sourceMac"/>), addresses
    /// swapped, hop limit 64, type 129, checksum updated incrementally (swapping the addresses leaves the pseudo-header
    /// sum unchanged). Extension headers stay. Returns false, changing nothing, when it is not a complete echo request.
    /// </summary>
    public static bool TryTurnIntoEchoReply(Span<byte> frame, in FrameInfo info, MacAddress sourceMac)
    {
        if (!IsEchoRequest(frame, in info))
        {
            return false;
        }

        EthernetHeader.SetDestination(frame, EthernetHeader.Source(frame));
        EthernetHeader.SetSource(frame, sourceMac);
        var ip = frame[info.L3Offset..];
        Ipv6Header.SetSource(ip, info.DestinationAddress6);
        Ipv6Header.SetDestination(ip, info.SourceAddress6);
        Ipv6Header.SetHopLimit(ip, ReplyHopLimit);
        var icmp = frame[info.L4Offset..];
        ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(icmp);
        icmp[0] = EchoReplyType;
        Icmp.SetChecksum(icmp, Checksum.Update16(Icmp.Checksum(icmp), oldWord, BinaryPrimitives.ReadUInt16BigEndian(icmp)));
        return true;
    }

    /// <summary>
    /// Packet Too Big (type 2) about a parsed packet, from its destination (the VIP) back to its source (the client):
    /// Ethernet back to the frame's source MAC from <paramref name="sourceMac"/> (VLAN tag kept), MTU field
    /// <paramref name="mtu"/>, quoting as much of the offending IPv6 packet as fits in 1280 bytes (RFC 4443 2.4(c), 3.2).
    /// Returns the frame length, or 0 when the buffer is too small.
    /// </summary>
    public static int WritePacketTooBig(Span<byte> destination, ReadOnlySpan<byte> offendingFrame, in FrameInfo info, MacAddress sourceMac, uint mtu) =>
        WriteError(destination, offendingFrame, in info, sourceMac, PacketTooBigType, 0, mtu);

    /// <summary>
    /// An ICMPv6 error of <paramref name="type"/>/<paramref name="code"/> with the 32-bit <paramref name="parameter"/>
    /// (MTU, pointer, or 0 unused) about a parsed IPv6 packet, built as <see cref="WritePacketTooBig"/> describes.
    /// Returns 0 for a frame that is not IPv6 or a buffer too small for the error with at least the offending fixed header.
    /// </summary>
    public static int WriteError(
        Span<byte> destination, ReadOnlySpan<byte> offendingFrame, in FrameInfo info, MacAddress sourceMac, byte type, byte code, uint parameter)
    {
        if (!info.IsIpv6 || info.L3Offset < EthernetHeader.Length || info.IpEnd > offendingFrame.Length)
        {
            return 0;
        }

        int l3 = info.L3Offset;
        int quote = Math.Min(info.IpTotalLength, MaxErrorLength - Ipv6Header.Length - Icmp.HeaderLength);
        int messageLength = Icmp.HeaderLength + quote;
        int length = l3 + Ipv6Header.Length + messageLength;
        if (destination.Length < length)
        {
            return 0;
        }

        offendingFrame[..l3].CopyTo(destination);
        EthernetHeader.SetDestination(destination, EthernetHeader.Source(offendingFrame));
        EthernetHeader.SetSource(destination, sourceMac);
        Ipv6Header.Write(destination[l3..], 0, 0, (ushort)messageLength, IpProtocol.Icmpv6, ReplyHopLimit, info.DestinationAddress6, info.SourceAddress6);
        var icmp = destination.Slice(l3 + Ipv6Header.Length, messageLength);
        icmp[0] = type;
        icmp[1] = code;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], parameter);
        offendingFrame.Slice(l3, quote).CopyTo(icmp[Icmp.HeaderLength..]);
        Icmp.SetChecksum(icmp, Checksum.Transport6(icmp, 2, info.DestinationAddress6, info.SourceAddress6, IpProtocol.Icmpv6));
        return length;
    }

    private static bool IsEchoRequest(ReadOnlySpan<byte> frame, in FrameInfo info) =>
        info.IsIpv6 && info.Protocol == IpProtocol.Icmpv6 && info.HasTransportHeader && !info.IsFragment && info.IcmpType == EchoRequestType
        && info.IcmpCode == 0 && info.L4Length >= Icmp.HeaderLength && info.L3Offset >= EthernetHeader.Length
        && info.L4Offset + info.L4Length <= frame.Length;
}
