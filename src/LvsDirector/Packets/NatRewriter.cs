using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>
/// NAT rewrites of a parsed IPv4 frame in place, with incremental checksum updates (RFC 1624 eqn. 3).
/// <para>Precondition: <paramref name="info"/> comes from <see cref="FrameParser.Parse"/> of this very frame with
/// <see cref="ParseResult.Ok"/> or <see cref="ParseResult.Fragment"/>; the frame is not re-validated.</para>
/// <para>TCP/UDP: the address (part of the pseudo-header) and the port change, and the transport checksum follows.
/// A UDP checksum of 0 (absent) stays 0; a result of 0 is stored as 0xFFFF. ICMP: only the address changes — the ICMP
/// checksum has no pseudo-header, so it stays valid; <c>newPort</c> is ignored (the echo identifier is not rewritten).
/// Fragments: a first fragment gets its ports and checksum updated too (the update is valid for the whole datagram's
/// checksum); later fragments get only the address. Other protocols: address only.</para>
/// <para>The transport checksum must be complete: for a CHECKSUM_PARTIAL frame (TP_STATUS_CSUMNOTREADY) call
/// <see cref="TransportChecksum.Complete"/> first, or rewrite and then complete.</para>
/// </summary>
public static class NatRewriter
{
    private const int AddressIsDestination = 16;
    private const int AddressIsSource = 12;

    public static void RewriteDestination(Span<byte> frame, in FrameInfo info, uint newAddress, ushort newPort) =>
        Rewrite(frame, in info, AddressIsDestination, newAddress, newPort);

    public static void RewriteSource(Span<byte> frame, in FrameInfo info, uint newAddress, ushort newPort) =>
        Rewrite(frame, in info, AddressIsSource, newAddress, newPort);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rewrite(Span<byte> frame, in FrameInfo info, int addressOffset, uint newAddress, ushort newPort)
    {
        var ip = frame.Slice(info.L3Offset, info.IpHeaderLength);
        uint oldAddress = BinaryPrimitives.ReadUInt32BigEndian(ip[addressOffset..]);
        BinaryPrimitives.WriteUInt32BigEndian(ip[addressOffset..], newAddress);
        Ipv4Header.SetHeaderChecksum(ip, Checksum.Update32(Ipv4Header.HeaderChecksum(ip), oldAddress, newAddress));

        if (!info.HasTransportHeader)
        {
            return;
        }

        // Source port is at 0, destination port at 2, for both TCP and UDP.
        int portOffset = addressOffset == AddressIsSource ? 0 : 2;
        switch (info.Protocol)
        {
            case IpProtocol.Tcp:
            {
                var tcp = frame.Slice(info.L4Offset, TcpHeader.MinLength);
                ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[portOffset..]);
                BinaryPrimitives.WriteUInt16BigEndian(tcp[portOffset..], newPort);
                TcpHeader.SetChecksum(tcp, Checksum.Update48(TcpHeader.Checksum(tcp), oldAddress, newAddress, oldPort, newPort));
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
                    checksum = Checksum.Update48(checksum, oldAddress, newAddress, oldPort, newPort);
                    UdpHeader.SetChecksum(udp, checksum == 0 ? (ushort)0xFFFF : checksum);
                }

                break;
            }

            default:
                // ICMP and anything else: no pseudo-header, nothing more to change.
                break;
        }
    }
}
