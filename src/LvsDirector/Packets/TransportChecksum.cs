using System.Buffers.Binary;

namespace LvsDirector.Packets;

/// <summary>
/// Full TCP/UDP/ICMP checksum computation and verification for a parsed frame, IPv4 or IPv6 (TCP/UDP/ICMPv6 with the
/// IPv6 pseudo-header; a routing header's final destination is not substituted, the packet's destination is used).
/// <see cref="Complete"/> exists for frames that AF_PACKET flags TP_STATUS_CSUMNOTREADY (a local sender with tx
/// checksum offload on, e.g. over veth): their checksum field holds only the folded pseudo-header sum, so an
/// incremental update on it gives garbage. Fragments cannot be checksummed (the checksum spans the whole datagram).
/// </summary>
public static class TransportChecksum
{
    /// <summary>
    /// Recomputes the transport checksum from scratch and stores it (UDP 0 is stored as 0xFFFF).
    /// Returns false, changing nothing, for fragments, other protocols, or when the transport header is missing.
    /// </summary>
    public static bool Complete(Span<byte> frame, in FrameInfo info)
    {
        if (!CanChecksum(frame, in info, out int checksumOffset))
        {
            return false;
        }

        ushort value = info.IsIpv6
            ? Checksum.Transport6(frame.Slice(info.L4Offset, info.L4Length), checksumOffset, info.SourceAddress6, info.DestinationAddress6, info.Protocol)
            : Checksum.Transport(frame.Slice(info.L3Offset, info.IpTotalLength));
        BinaryPrimitives.WriteUInt16BigEndian(frame[(info.L4Offset + checksumOffset)..], value);
        return true;
    }

    /// <summary>
    /// True when the stored transport checksum is correct, or when it is an absent UDP checksum (0) over IPv4 (over IPv6 a
    /// zero UDP checksum is invalid). False for
    /// fragments, other protocols and frames without a transport header.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> frame, in FrameInfo info)
    {
        if (!CanChecksum(frame, in info, out int checksumOffset))
        {
            return false;
        }

        var segment = frame.Slice(info.L4Offset, info.L4Length);
        if (info.IsIpv6)
        {
            return Checksum.Fold((ulong)Checksum.Add(segment)
                + Checksum.PseudoHeader6(info.SourceAddress6, info.DestinationAddress6, info.Protocol, info.L4Length)) == 0xFFFF;
        }

        if (info.Protocol == IpProtocol.Udp && BinaryPrimitives.ReadUInt16BigEndian(segment[checksumOffset..]) == 0)
        {
            return true;
        }

        ulong sum = Checksum.Add(segment);
        if (info.Protocol != IpProtocol.Icmp)
        {
            sum += Checksum.PseudoHeader(info.SourceAddress, info.DestinationAddress, info.Protocol, info.L4Length);
        }

        return Checksum.Fold(sum) == 0xFFFF;
    }

    /// <summary>
    /// Writes the folded pseudo-header sum into the checksum field — what Linux leaves there for CHECKSUM_PARTIAL.
    /// Useful to build test frames, or to hand a frame to a NIC/veth that will finish the checksum itself.
    /// </summary>
    public static bool WritePartial(Span<byte> frame, in FrameInfo info)
    {
        if (!CanChecksum(frame, in info, out int checksumOffset) || info.Protocol is IpProtocol.Icmp or IpProtocol.Icmpv6)
        {
            return false;
        }

        ushort partial = info.IsIpv6
            ? Checksum.Fold(Checksum.PseudoHeader6(info.SourceAddress6, info.DestinationAddress6, info.Protocol, info.L4Length))
            : Checksum.Fold(Checksum.PseudoHeader(info.SourceAddress, info.DestinationAddress, info.Protocol, info.L4Length));
        BinaryPrimitives.WriteUInt16BigEndian(frame[(info.L4Offset + checksumOffset)..], partial);
        return true;
    }

    private static bool CanChecksum(ReadOnlySpan<byte> frame, in FrameInfo info, out int checksumOffset)
    {
        checksumOffset = info.Protocol switch
        {
            IpProtocol.Tcp => TcpHeader.ChecksumOffset,
            IpProtocol.Udp => UdpHeader.ChecksumOffset,
            IpProtocol.Icmp when !info.IsIpv6 => 2,
            IpProtocol.Icmpv6 when info.IsIpv6 => 2,
            _ => -1,
        };
        return checksumOffset >= 0 && info.HasTransportHeader && !info.IsFragment
            && info.L3Offset >= 0 && info.L4Offset >= info.L3Offset && info.IpEnd <= frame.Length
            && info.L4Offset + info.L4Length == info.IpEnd;
    }
}
