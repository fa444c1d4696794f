using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>
/// NAT rewrites of a parsed IPv6 frame in place, the IPv6 sibling of <see cref="NatRewriter"/>: the 128-bit address
/// and the port change and the transport checksum follows incrementally (RFC 1624 eqn. 3 over the eight address words).
/// IPv6 has no header checksum, but every upper layer (TCP, UDP and also ICMPv6) covers the pseudo-header.
/// <para>Precondition: <paramref name="info"/> comes from <see cref="FrameParser.Parse"/> of this very frame with
/// <see cref="ParseResult.Ok"/> or <see cref="ParseResult.Fragment"/> and <see cref="FrameInfo.IsIpv6"/>.</para>
/// <para>TCP/UDP: address, port and checksum (a UDP result of 0 is stored as 0xFFFF; a stored UDP checksum of 0 — invalid
/// over IPv6 — is left alone, the receiver drops it anyway). ICMPv6: address and checksum; <c>newPort</c> is ignored.
/// Fragments: a first fragment gets ports and checksum updated (valid for the whole datagram's checksum); later ones
/// only the address. Other protocols: address only.</para>
/// <para>As for IPv4, the checksum must be complete: for a CHECKSUM_PARTIAL frame (TP_STATUS_CSUMNOTREADY) call
/// <see cref="TransportChecksum.Complete"/> first (it handles IPv6), or rewrite and then complete.</para>
/// </summary>
public static class Ipv6NatRewriter
{
    private const int SourceField = 8;
    private const int DestinationField = 24;

    public static void RewriteDestination(Span<byte> frame, in FrameInfo info, UInt128 newAddress, ushort newPort) =>
        Rewrite(frame, in info, DestinationField, newAddress, newPort);

    public static void RewriteSource(Span<byte> frame, in FrameInfo info, UInt128 newAddress, ushort newPort) =>
        Rewrite(frame, in info, SourceField, newAddress, newPort);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rewrite(Span<byte> frame, in FrameInfo info, int addressField, UInt128 newAddress, ushort newPort)
    {
        var address = frame.Slice(info.L3Offset + addressField, Ipv6Address.Length);
        UInt128 oldAddress = BinaryPrimitives.ReadUInt128BigEndian(address);
        BinaryPrimitives.WriteUInt128BigEndian(address, newAddress);
        if (!info.HasTransportHeader)
        {
            return;
        }

        int portOffset = addressField == SourceField ? 0 : 2;
        switch (info.Protocol)
        {
            case IpProtocol.Tcp:
            {
                var tcp = frame.Slice(info.L4Offset, TcpHeader.MinLength);
                ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[portOffset..]);
                BinaryPrimitives.WriteUInt16BigEndian(tcp[portOffset..], newPort);
                TcpHeader.SetChecksum(tcp, Checksum.Update144(TcpHeader.Checksum(tcp), oldAddress, newAddress, oldPort, newPort));
                break;
            }

            case IpProtocol.Udp:
            {
                var udp = frame.Slice(info.L4Offset, UdpHeader.Length);
                ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(udp[portOffset..]);
                BinaryPrimitives.WriteUInt16BigEndian(udp[portOffset..], newPort);
                ushort checksum = UdpHeader.Checksum(udp);
                if (checksum != 0)
                {
                    checksum = Checksum.Update144(checksum, oldAddress, newAddress, oldPort, newPort);
                    UdpHeader.SetChecksum(udp, checksum == 0 ? (ushort)0xFFFF : checksum);
                }

                break;
            }

            case IpProtocol.Icmpv6:
            {
                var icmp = frame.Slice(info.L4Offset, Icmp.HeaderLength);
                Icmp.SetChecksum(icmp, Checksum.Update128(Icmp.Checksum(icmp), oldAddress, newAddress));
                break;
            }

            default:
                break;
        }
    }
}
