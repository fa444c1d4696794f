using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Forwarding;

/// <summary>
/// The real-server side of IPVS tunnelling for hosts whose kernel cannot decapsulate (no ipip module): finds the inner
/// IPv4 packet of an IP-in-IP (protocol 4) or GUE (UDP to a known port, GUE version 0 carrying protocol 4) frame
/// addressed to this host. Outer fragments are not reassembled (the director only fragments when the client allowed
/// it, and such packets are rare); they are reported as <see cref="DecapsulationResult.Fragment"/>.
/// </summary>
public static class TunnelDecapsulator
{
    /// <summary>
    /// Locates the inner packet of <paramref name="frame"/> (Ethernet, optionally one VLAN tag). <paramref name="localAddress"/>
    /// (host order) is the outer destination to accept, 0 for any; <paramref name="guePort"/> 0 disables GUE.
    /// </summary>
    public static DecapsulationResult TryDecapsulate(ReadOnlySpan<byte> frame, uint localAddress, ushort guePort, out int innerOffset, out int innerLength)
    {
        innerOffset = 0;
        innerLength = 0;
        if (frame.Length < EthernetHeader.Length)
        {
            return DecapsulationResult.NotTunnel;
        }

        var l3 = EthernetHeader.Length;
        var etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        if (etherType == EtherType.Vlan)
        {
            if (frame.Length < l3 + EthernetHeader.VlanTagLength)
            {
                return DecapsulationResult.NotTunnel;
            }

            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            l3 += EthernetHeader.VlanTagLength;
        }

        if (etherType != EtherType.Ipv4)
        {
            return DecapsulationResult.NotTunnel;
        }

        var result = TryDecapsulatePacket(frame[l3..], localAddress, guePort, out innerOffset, out innerLength);
        if (result == DecapsulationResult.Ok)
        {
            innerOffset += l3;
        }

        return result;
    }

    /// <summary>
    /// The same on an IPv4 packet (no link header), e.g. read from a raw socket; offsets are from its start. A raw socket
    /// hands over packets the kernel already checked (and reassembled), so it may skip the header checksum.
    /// </summary>
    public static DecapsulationResult TryDecapsulatePacket(
        ReadOnlySpan<byte> ip, uint localAddress, ushort guePort, out int innerOffset, out int innerLength, bool verifyChecksum = true)
    {
        innerOffset = 0;
        innerLength = 0;
        if (ip.Length < Ipv4Header.MinLength || (ip[0] >> 4) != 4)
        {
            return DecapsulationResult.NotTunnel;
        }

        var headerLength = Ipv4Header.HeaderLength(ip);
        var totalLength = (int)Ipv4Header.TotalLength(ip);
        if (headerLength < Ipv4Header.MinLength || totalLength < headerLength || totalLength > ip.Length)
        {
            return DecapsulationResult.Malformed;
        }

        var protocol = Ipv4Header.Protocol(ip);
        if (protocol is not (IpProtocol.IpIp or IpProtocol.Udp))
        {
            return DecapsulationResult.NotTunnel;
        }

        if (localAddress != 0 && Ipv4Header.Destination(ip) != localAddress)
        {
            return DecapsulationResult.NotTunnel;
        }

        if ((Ipv4Header.FlagsAndFragmentOffset(ip) & (Ipv4Header.MoreFragments | Ipv4Header.FragmentOffsetMask)) != 0)
        {
            return protocol == IpProtocol.IpIp ? DecapsulationResult.Fragment : DecapsulationResult.NotTunnel;
        }

        if (verifyChecksum && !Ipv4Header.VerifyChecksum(ip))
        {
            return DecapsulationResult.Malformed;
        }

        var offset = headerLength;
        if (protocol == IpProtocol.Udp)
        {
            if (guePort == 0 || totalLength < headerLength + UdpHeader.Length + TunnelEncapsulation.GueHeaderLength
                || BinaryPrimitives.ReadUInt16BigEndian(ip[(headerLength + 2)..]) != guePort)
            {
                return DecapsulationResult.NotTunnel;
            }

            var guePayload = ip[(headerLength + UdpHeader.Length)..totalLength];
            var result = TryDecapsulateGue(guePayload, out var gueInner, out _);
            if (result != DecapsulationResult.Ok)
            {
                return result;
            }

            offset = headerLength + UdpHeader.Length + gueInner;
        }

        if (totalLength - offset < Ipv4Header.MinLength)
        {
            return DecapsulationResult.Malformed;
        }

        var inner = ip[offset..totalLength];
        var innerTotal = (int)Ipv4Header.TotalLength(inner);
        if ((inner[0] >> 4) != 4 || innerTotal < Ipv4Header.HeaderLength(inner) || innerTotal > inner.Length)
        {
            return DecapsulationResult.Malformed;
        }

        innerOffset = offset;
        innerLength = innerTotal;
        return DecapsulationResult.Ok;
    }

    /// <summary>
    /// The inner packet of a GUE payload (what a UDP socket on the GUE port receives): version 0, not a control message,
    /// protocol 4, optional fields skipped by Hlen.
    /// </summary>
    public static DecapsulationResult TryDecapsulateGue(ReadOnlySpan<byte> payload, out int innerOffset, out int innerLength)
    {
        innerOffset = 0;
        innerLength = 0;
        if (payload.Length < TunnelEncapsulation.GueHeaderLength)
        {
            return DecapsulationResult.Malformed;
        }

        if ((payload[0] & 0xE0) != 0 || payload[1] != IpProtocol.IpIp)
        {
            return DecapsulationResult.Malformed;
        }

        var offset = TunnelEncapsulation.GueHeaderLength + ((payload[0] & 0x1F) * 4);
        if (payload.Length - offset < Ipv4Header.MinLength)
        {
            return DecapsulationResult.Malformed;
        }

        var inner = payload[offset..];
        var innerTotal = (int)Ipv4Header.TotalLength(inner);
        if ((inner[0] >> 4) != 4 || innerTotal < Ipv4Header.HeaderLength(inner) || innerTotal > inner.Length)
        {
            return DecapsulationResult.Malformed;
        }

        innerOffset = offset;
        innerLength = innerTotal;
        return DecapsulationResult.Ok;
    }
}
