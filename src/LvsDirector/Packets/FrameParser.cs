using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>
/// Classifies one Ethernet frame: Ethernet (optionally one 802.1Q tag), ARP, IPv4 with options or IPv6 with extension
/// headers (hop-by-hop, routing, destination options, fragment), TCP/UDP/ICMP (ICMPv6 for IPv6).
/// IPv6 frames yield the same <see cref="ParseResult"/> values as IPv4 with <see cref="FrameInfo.IsIpv6"/> set.
/// Every read is preceded by a length check; malformed input yields a <see cref="ParseResult"/>, never an exception.
/// Ethernet padding after the IP packet is ignored (the IP total length rules).
/// </summary>
public static class FrameParser
{
    private const int ArpBodyLength = 28;
    private const int IcmpHeaderLength = 8;

    public static ParseResult Parse(ReadOnlySpan<byte> frame, out FrameInfo info)
    {
        info = default;
        if (frame.Length < EthernetHeader.Length)
        {
            return ParseResult.Truncated;
        }

        int l3 = EthernetHeader.Length;
        ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (etherType == EtherType.Vlan)
        {
            if (frame.Length < EthernetHeader.Length + EthernetHeader.VlanTagLength)
            {
                return ParseResult.Truncated;
            }

            info.HasVlanTag = true;
            info.VlanId = (ushort)(BinaryPrimitives.ReadUInt16BigEndian(frame[14..]) & 0x0FFF);
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            l3 += EthernetHeader.VlanTagLength;
        }

        info.EtherType = etherType;
        info.L3Offset = l3;
        if (etherType == EtherType.Arp)
        {
            return frame.Length - l3 < ArpBodyLength ? ParseResult.Truncated : ParseResult.Arp;
        }

        return etherType switch
        {
            EtherType.Ipv4 => ParseIpv4(frame, l3, ref info),
            EtherType.Ipv6 => ParseIpv6(frame, l3, ref info),
            _ => ParseResult.NotIpv4,
        };
    }

    private static ParseResult ParseIpv4(ReadOnlySpan<byte> frame, int l3, ref FrameInfo info)
    {
        var ip = frame[l3..];
        if (ip.Length < Ipv4Header.MinLength)
        {
            return ParseResult.Truncated;
        }

        byte versionIhl = ip[0];
        int headerLength = (versionIhl & 0x0F) << 2;
        if ((versionIhl >> 4) != 4 || headerLength < Ipv4Header.MinLength)
        {
            return ParseResult.BadIpHeader;
        }

        if (ip.Length < headerLength)
        {
            return ParseResult.Truncated;
        }

        byte protocol = ip[9];
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (totalLength == 0 && ip.Length > ushort.MaxValue && protocol == IpProtocol.Tcp)
        {
            // Linux BIG TCP GRO/GSO packets over 64 KiB carry tot_len 0; their length is the frame's.
            totalLength = ip.Length;
        }

        if (totalLength < headerLength)
        {
            return ParseResult.BadIpHeader;
        }

        if (totalLength > ip.Length)
        {
            return ParseResult.BadLength;
        }

        ushort fragment = BinaryPrimitives.ReadUInt16BigEndian(ip[6..]);
        info.FragmentId = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        info.IpHeaderLength = headerLength;
        info.IpTotalLength = totalLength;
        info.Protocol = protocol;
        info.Ttl = ip[8];
        info.SourceAddress = BinaryPrimitives.ReadUInt32BigEndian(ip[12..]);
        info.DestinationAddress = BinaryPrimitives.ReadUInt32BigEndian(ip[16..]);
        info.L4Offset = l3 + headerLength;
        info.L4Length = totalLength - headerLength;

        bool isFragment = (fragment & (Ipv4Header.MoreFragments | Ipv4Header.FragmentOffsetMask)) != 0;
        if (isFragment)
        {
            info.IsFragment = true;
            info.IsFirstFragment = (fragment & Ipv4Header.FragmentOffsetMask) == 0;
            if (info.IsFirstFragment)
            {
                // Best effort: the ports are useful for scheduling, but the transport length cannot be checked.
                ParseTransport(ip.Slice(headerLength, totalLength - headerLength), fragmented: true, ref info);
            }

            return ParseResult.Fragment;
        }

        return ParseTransport(ip.Slice(headerLength, totalLength - headerLength), fragmented: false, ref info);
    }

    private static ParseResult ParseIpv6(ReadOnlySpan<byte> frame, int l3, ref FrameInfo info)
    {
        var ip = frame[l3..];
        if (ip.Length < Ipv6Header.Length)
        {
            return ParseResult.Truncated;
        }

        if ((ip[0] >> 4) != 6)
        {
            return ParseResult.BadIpHeader;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        byte next = ip[6];
        if (payloadLength == 0)
        {
            if (next == Ipv6Header.HopByHopOptions)
            {
                // Payload length 0 with a hop-by-hop header is a jumbogram (RFC 2675): not supported.
                return ParseResult.BadIpHeader;
            }

            if (next == IpProtocol.Tcp && ip.Length - Ipv6Header.Length > ushort.MaxValue)
            {
                // Linux BIG TCP GRO/GSO packets over 64 KiB carry payload length 0; their length is the frame's.
                payloadLength = ip.Length - Ipv6Header.Length;
            }
        }

        int totalLength = Ipv6Header.Length + payloadLength;
        if (totalLength > ip.Length)
        {
            return ParseResult.BadLength;
        }

        info.IsIpv6 = true;
        info.IpTotalLength = totalLength;
        info.Ttl = ip[7];
        info.SourceAddress6 = Ipv6Header.Source(ip);
        info.DestinationAddress6 = Ipv6Header.Destination(ip);

        // Extension headers: each announces the next; the walk ends at the upper-layer header (or at the data of a
        // non-first fragment, which is no header at all). Bounded so a chain of tiny headers cannot make us loop long.
        int offset = Ipv6Header.Length;
        bool isFragment = false;
        bool laterFragment = false;
        for (int count = 0; ; count++)
        {
            if (next is not (Ipv6Header.HopByHopOptions or Ipv6Header.Routing or Ipv6Header.DestinationOptions or Ipv6Header.Fragment)
                || laterFragment)
            {
                break;
            }

            if (count == Ipv6Header.MaxExtensionHeaders || (next == Ipv6Header.HopByHopOptions && offset != Ipv6Header.Length))
            {
                // RFC 8200 4.1: hop-by-hop options only directly after the IPv6 header.
                return ParseResult.BadIpHeader;
            }

            if (totalLength - offset < 8)
            {
                return ParseResult.BadLength;
            }

            var header = ip[offset..];
            if (next == Ipv6Header.Fragment)
            {
                if (info.FragmentHeaderOffset != 0)
                {
                    return ParseResult.BadIpHeader; // two fragment headers
                }

                ushort offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
                info.FragmentId = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
                info.FragmentHeaderOffset = l3 + offset;
                int fragmentOffset = offsetAndFlags & Ipv6Header.FragmentOffsetMask;
                bool more = (offsetAndFlags & Ipv6Header.MoreFragmentsFlag) != 0;

                // An atomic fragment (offset 0, M clear) is a whole packet (RFC 6946): not a fragment.
                isFragment = fragmentOffset != 0 || more;
                laterFragment = fragmentOffset != 0;
                next = header[0];
                offset += 8;
                continue;
            }

            int length = (header[1] + 1) << 3;
            if (totalLength - offset < length)
            {
                return ParseResult.BadLength;
            }

            next = header[0];
            offset += length;
        }

        info.Protocol = next;
        info.IpHeaderLength = offset;
        info.L4Offset = l3 + offset;
        info.L4Length = totalLength - offset;
        if (isFragment)
        {
            info.IsFragment = true;
            info.IsFirstFragment = !laterFragment;
            if (!laterFragment)
            {
                ParseTransport(ip.Slice(offset, totalLength - offset), fragmented: true, ref info);
            }

            return ParseResult.Fragment;
        }

        return ParseTransport(ip.Slice(offset, totalLength - offset), fragmented: false, ref info);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ParseResult ParseTransport(ReadOnlySpan<byte> l4, bool fragmented, ref FrameInfo info)
    {
        switch (info.Protocol)
        {
            case IpProtocol.Tcp:
            {
                if (l4.Length < TcpHeader.MinLength)
                {
                    return ParseResult.BadLength;
                }

                int tcpHeaderLength = (l4[12] >> 4) << 2;
                if (tcpHeaderLength < TcpHeader.MinLength)
                {
                    return ParseResult.BadTransportHeader;
                }

                if (tcpHeaderLength > l4.Length)
                {
                    return ParseResult.BadLength;
                }

                info.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(l4);
                info.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                info.TcpFlags = l4[13];
                info.TcpHeaderLength = tcpHeaderLength;
                info.PayloadOffset = info.L4Offset + tcpHeaderLength;
                info.PayloadLength = l4.Length - tcpHeaderLength;
                info.HasTransportHeader = true;
                return ParseResult.Ok;
            }

            case IpProtocol.Udp:
            {
                if (l4.Length < UdpHeader.Length)
                {
                    return ParseResult.BadLength;
                }

                int udpLength = BinaryPrimitives.ReadUInt16BigEndian(l4[4..]);
                if (fragmented ? udpLength < UdpHeader.Length : udpLength != l4.Length)
                {
                    return ParseResult.BadLength;
                }

                info.SourcePort = BinaryPrimitives.ReadUInt16BigEndian(l4);
                info.DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(l4[2..]);
                info.PayloadOffset = info.L4Offset + UdpHeader.Length;
                info.PayloadLength = l4.Length - UdpHeader.Length;
                info.HasTransportHeader = true;
                return ParseResult.Ok;
            }

            case IpProtocol.Icmp when !info.IsIpv6:
            case IpProtocol.Icmpv6 when info.IsIpv6:
            {
                if (l4.Length < IcmpHeaderLength)
                {
                    return ParseResult.BadLength;
                }

                info.IcmpType = l4[0];
                info.IcmpCode = l4[1];
                info.PayloadOffset = info.L4Offset + IcmpHeaderLength;
                info.PayloadLength = l4.Length - IcmpHeaderLength;
                info.HasTransportHeader = true;
                return ParseResult.Ok;
            }

            default:
                return ParseResult.UnsupportedProtocol;
        }
    }
}
