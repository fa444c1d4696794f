using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Forwarding;

/// <summary>
/// The ICMP "fragmentation needed and DF set" (type 3, code 4, RFC 1191) that IPVS sends the client when a DF packet
/// does not fit the path to the real server (ensure_mtu_is_adequate → icmp_send). Because the VIP is local on an IPVS
/// director, icmp_send answers from the packet's destination: the VIP. The message quotes the offending packet from its
/// IP header on, as much as fits a 576-byte datagram (as Linux does), and carries the next-hop MTU.
/// </summary>
public static class FragmentationNeeded
{
    /// <summary>Largest ICMP error datagram (RFC 1812 4.3.2.3; Linux's limit for quoting).</summary>
    public const int MaxDatagram = 576;

    /// <summary>IP precedence "internetwork control", as Linux marks ICMP errors.</summary>
    private const byte InternetControl = 0xC0;

    /// <summary>
    /// Builds the answer to <paramref name="frame"/> (an unfragmented or first-fragment IPv4 packet from the client)
    /// into <paramref name="destination"/>: Ethernet back to the frame's source MAC from <paramref name="sourceMac"/>
    /// (VLAN tag kept), IP from the packet's destination to its source, ICMP 3/4 with <paramref name="mtu"/>.
    /// Returns the frame length, or 0 when the frame is not such a packet or <paramref name="destination"/> is too small.
    /// </summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> frame, in FrameInfo info, MacAddress sourceMac, ushort mtu, ushort identification)
    {
        var l3 = info.L3Offset;
        if (l3 < EthernetHeader.Length || info.IpTotalLength < Ipv4Header.MinLength || l3 + info.IpTotalLength > frame.Length
            || (info.IsFragment && !info.IsFirstFragment))
        {
            return 0;
        }

        var quoted = Math.Min(info.IpTotalLength, MaxDatagram - Ipv4Header.MinLength - Icmp.HeaderLength);
        var ipLength = Ipv4Header.MinLength + Icmp.HeaderLength + quoted;
        if (destination.Length < l3 + ipLength)
        {
            return 0;
        }

        frame[..l3].CopyTo(destination);
        EthernetHeader.SetDestination(destination, EthernetHeader.Source(frame));
        EthernetHeader.SetSource(destination, sourceMac);

        var inner = frame[l3..];
        Ipv4Header.Write(destination[l3..], (byte)((Ipv4Header.TypeOfService(inner) & 0x1E) | InternetControl), (ushort)ipLength, identification,
            dontFragment: false, Icmp.ReplyTtl, IpProtocol.Icmp, info.DestinationAddress, info.SourceAddress);

        var icmp = destination.Slice(l3 + Ipv4Header.MinLength, Icmp.HeaderLength + quoted);
        icmp[0] = Icmp.DestinationUnreachableType;
        icmp[1] = Icmp.FragmentationNeededCode;
        BinaryPrimitives.WriteUInt32BigEndian(icmp[4..], mtu);
        Icmp.SetChecksum(icmp, 0);
        inner[..quoted].CopyTo(icmp[Icmp.HeaderLength..]);
        Icmp.SetChecksum(icmp, Checksum.Finish(Checksum.Add(icmp)));
        return l3 + ipLength;
    }
}
