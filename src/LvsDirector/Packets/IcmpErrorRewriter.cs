using System.Buffers.Binary;

namespace LvsDirector.Packets;

/// <summary>
/// NAT of ICMP error messages about a translated connection, in place (IPVS ip_vs_nat_icmp). The outer header and the
/// quoted packet change together so the receiver can match the quote against its own socket.
/// <para>Towards the client (the error came from the real server side and quotes CIP:cport→RIP:rport): outer source,
/// quoted destination and quoted destination port become VIP:vport. Towards the real server (the error came from the
/// client side and quotes VIP:vport→CIP:cport): outer destination, quoted source and quoted source port become RIP:rport.</para>
/// <para>Checksums: outer IP incrementally, quoted IP header recomputed (it is complete), quoted TCP/UDP checksum
/// incrementally when the quote reaches it (IPVS leaves it; a receiver that checks it would otherwise see a mismatch),
/// and the ICMP checksum recomputed over the message. Precondition: <see cref="Icmp.TryReadQuoted"/> succeeded on this
/// frame with <see cref="QuotedPacket.HasPorts"/> and a TCP or UDP quote.</para>
/// </summary>
public static class IcmpErrorRewriter
{
    private const int SourceField = 12;
    private const int DestinationField = 16;

    public static void TranslateTowardsClient(Span<byte> frame, in FrameInfo info, in QuotedPacket quoted, uint virtualAddress, ushort virtualPort) =>
        Translate(frame, in info, in quoted, SourceField, DestinationField, virtualAddress, virtualPort);

    public static void TranslateTowardsServer(Span<byte> frame, in FrameInfo info, in QuotedPacket quoted, uint realAddress, ushort realPort) =>
        Translate(frame, in info, in quoted, DestinationField, SourceField, realAddress, realPort);

    private static void Translate(Span<byte> frame, in FrameInfo info, in QuotedPacket quoted, int outerField, int innerField, uint newAddress, ushort newPort)
    {
        var outer = frame.Slice(info.L3Offset, info.IpHeaderLength);
        uint oldOuter = BinaryPrimitives.ReadUInt32BigEndian(outer[outerField..]);
        BinaryPrimitives.WriteUInt32BigEndian(outer[outerField..], newAddress);
        Ipv4Header.SetHeaderChecksum(outer, Checksum.Update32(Ipv4Header.HeaderChecksum(outer), oldOuter, newAddress));

        var inner = frame.Slice(quoted.L3Offset, quoted.HeaderLength);
        uint oldInner = BinaryPrimitives.ReadUInt32BigEndian(inner[innerField..]);
        BinaryPrimitives.WriteUInt32BigEndian(inner[innerField..], newAddress);
        Ipv4Header.WriteChecksum(inner);

        // The quoted source port is at 0, the destination port at 2 (TCP and UDP alike).
        int portOffset = innerField == SourceField ? 0 : 2;
        var l4 = frame.Slice(quoted.L4Offset, quoted.L4Available);
        ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(l4[portOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(l4[portOffset..], newPort);
        if (quoted.Protocol == IpProtocol.Tcp && l4.Length >= TcpHeader.ChecksumOffset + 2)
        {
            TcpHeader.SetChecksum(l4, Checksum.Update48(TcpHeader.Checksum(l4), oldInner, newAddress, oldPort, newPort));
        }
        else if (quoted.Protocol == IpProtocol.Udp && l4.Length >= UdpHeader.Length && UdpHeader.Checksum(l4) != 0)
        {
            ushort checksum = Checksum.Update48(UdpHeader.Checksum(l4), oldInner, newAddress, oldPort, newPort);
            UdpHeader.SetChecksum(l4, checksum == 0 ? (ushort)0xFFFF : checksum);
        }

        var icmp = frame.Slice(info.L4Offset, info.L4Length);
        Icmp.SetChecksum(icmp, 0);
        Icmp.SetChecksum(icmp, Checksum.Finish(Checksum.Add(icmp)));
    }
}
