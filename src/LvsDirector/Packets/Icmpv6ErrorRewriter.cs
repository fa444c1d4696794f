using System.Buffers.Binary;

namespace LvsDirector.Packets;

/// <summary>
/// NAT of ICMPv6 error messages about a translated connection, in place: the IPv6 counterpart of
/// <see cref="IcmpErrorRewriter"/> (IPVS ip_vs_nat_icmp_v6). Towards the client (the error quotes CIP:cport→RIP:rport):
/// outer source, quoted destination and quoted destination port become VIP:vport. Towards the real server (the error
/// quotes VIP:vport→CIP:cport): outer destination, quoted source and quoted source port become RIP:rport.
/// <para>Checksums: the quoted TCP/UDP checksum incrementally when the quote reaches it, then the ICMPv6 checksum
/// recomputed over the message with the new outer pseudo-header. Precondition: <see cref="Icmpv6.TryReadQuoted"/>
/// succeeded on this frame with <see cref="Ipv6QuotedPacket.HasPorts"/> and a TCP or UDP quote.</para>
/// </summary>
public static class Icmpv6ErrorRewriter
{
    private const int SourceField = 8;
    private const int DestinationField = 24;

    public static void TranslateTowardsClient(Span<byte> frame, in FrameInfo info, in Ipv6QuotedPacket quoted, UInt128 virtualAddress, ushort virtualPort) =>
        Translate(frame, in info, in quoted, SourceField, DestinationField, virtualAddress, virtualPort);

    public static void TranslateTowardsServer(Span<byte> frame, in FrameInfo info, in Ipv6QuotedPacket quoted, UInt128 realAddress, ushort realPort) =>
        Translate(frame, in info, in quoted, DestinationField, SourceField, realAddress, realPort);

    private static void Translate(
        Span<byte> frame, in FrameInfo info, in Ipv6QuotedPacket quoted, int outerField, int innerField, UInt128 newAddress, ushort newPort)
    {
        var outer = frame.Slice(info.L3Offset, Ipv6Header.Length);
        Ipv6Address.Write(outer[outerField..], newAddress);

        var inner = frame.Slice(quoted.L3Offset, Ipv6Header.Length);
        UInt128 oldInner = Ipv6Address.Read(inner[innerField..]);
        Ipv6Address.Write(inner[innerField..], newAddress);

        int portOffset = innerField == SourceField ? 0 : 2;
        var l4 = frame.Slice(quoted.L4Offset, quoted.L4Available);
        ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(l4[portOffset..]);
        BinaryPrimitives.WriteUInt16BigEndian(l4[portOffset..], newPort);
        if (quoted.Protocol == IpProtocol.Tcp && l4.Length >= TcpHeader.ChecksumOffset + 2)
        {
            TcpHeader.SetChecksum(l4, Checksum.Update144(TcpHeader.Checksum(l4), oldInner, newAddress, oldPort, newPort));
        }
        else if (quoted.Protocol == IpProtocol.Udp && l4.Length >= UdpHeader.Length && UdpHeader.Checksum(l4) != 0)
        {
            ushort checksum = Checksum.Update144(UdpHeader.Checksum(l4), oldInner, newAddress, oldPort, newPort);
            UdpHeader.SetChecksum(l4, checksum == 0 ? (ushort)0xFFFF : checksum);
        }

        var icmp = frame.Slice(info.L4Offset, info.L4Length);
        Icmp.SetChecksum(icmp, Checksum.Transport6(icmp, 2, Ipv6Header.Source(outer), Ipv6Header.Destination(outer), IpProtocol.Icmpv6));
    }
}
