using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>
/// Classifies one Ethernet frame: Ethernet (optionally one 802.1Q tag), ARP, IPv4 with options, TCP/UDP/ICMP.
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

        return etherType == EtherType.Ipv4 ? ParseIpv4(frame, l3, ref info) : ParseResult.NotIpv4;
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

            case IpProtocol.Icmp:
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
