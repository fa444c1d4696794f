using System.Buffers.Binary;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Forwarding;

/// <summary>
/// Builds the frames of IPVS tunnelling (-i): the client's IPv4 packet, untouched, behind a new outer IPv4 header to
/// the real server, either as IP-in-IP (protocol 4, RFC 2003) or as GUE (outer UDP to the server's --tun-port, a
/// 4-byte GUE header of version 0 naming protocol 4). As ip_vs_tunnel_xmit does, the outer header copies the inner TOS,
/// TTL and DF bit; the UDP checksum of GUE is 0, the IPVS default (--tun-nocsum).
/// </summary>
public static class TunnelEncapsulation
{
    public const int IpipOverhead = Ipv4Header.MinLength;

    public const int GueHeaderLength = 4;

    public const int GueOverhead = Ipv4Header.MinLength + UdpHeader.Length + GueHeaderLength;

    // udp_flow_src_port spreads flows over the local port range so receivers can hash on the outer header.
    private const int SourcePortBase = 32768;
    private const int SourcePortRange = 61000 - 32768;

    public static int Overhead(TunnelType type) => type == TunnelType.Gue ? GueOverhead : IpipOverhead;

    /// <summary>
    /// Writes into <paramref name="output"/> the Ethernet header of <paramref name="frame"/> (VLAN tag kept; MACs are
    /// set by the caller), the outer header(s) and the inner packet (<c>info.IpTotalLength</c> bytes from
    /// <c>info.L3Offset</c>). Returns the frame length, or 0 when <paramref name="output"/> is too small or the result
    /// would exceed 65535 bytes of IP.
    /// </summary>
    public static int Encapsulate(
        ReadOnlySpan<byte> frame, in FrameInfo info, Span<byte> output, TunnelType type, ushort tunnelPort,
        uint outerSource, uint outerDestination, ushort identification)
    {
        var l3 = info.L3Offset;
        var innerLength = info.IpTotalLength;
        var overhead = Overhead(type);
        var total = l3 + overhead + innerLength;
        if (output.Length < total || overhead + innerLength > ushort.MaxValue || l3 + innerLength > frame.Length)
        {
            return 0;
        }

        frame[..l3].CopyTo(output);
        var inner = frame.Slice(l3, innerLength);
        inner.CopyTo(output[(l3 + overhead)..]);

        var dontFragment = Ipv4Header.IsDontFragment(inner);
        var protocol = type == TunnelType.Gue ? IpProtocol.Udp : IpProtocol.IpIp;
        Ipv4Header.Write(output[l3..], Ipv4Header.TypeOfService(inner), (ushort)(overhead + innerLength), identification, dontFragment,
            Ipv4Header.Ttl(inner), protocol, outerSource, outerDestination);

        if (type == TunnelType.Gue)
        {
            var udp = output[(l3 + Ipv4Header.MinLength)..];
            BinaryPrimitives.WriteUInt16BigEndian(udp, FlowSourcePort(info));
            BinaryPrimitives.WriteUInt16BigEndian(udp[2..], tunnelPort);
            BinaryPrimitives.WriteUInt16BigEndian(udp[4..], (ushort)(UdpHeader.Length + GueHeaderLength + innerLength));
            BinaryPrimitives.WriteUInt16BigEndian(udp[6..], 0);

            // GUE version 0, C = 0, Hlen = 0, Proto/ctype = the inner protocol, flags 0.
            var gue = udp[UdpHeader.Length..];
            gue[0] = 0;
            gue[1] = IpProtocol.IpIp;
            gue[2] = 0;
            gue[3] = 0;
        }

        return total;
    }

    /// <summary>A stable per-flow source port in 32768..60999, so ECMP and RSS on the way keep a flow together.</summary>
    public static ushort FlowSourcePort(in FrameInfo info)
    {
        var h = (info.SourceAddress * 0x9E3779B1u) ^ (info.DestinationAddress * 0x85EBCA77u)
            ^ (((uint)info.SourcePort << 16 | info.DestinationPort) * 0xC2B2AE3Du) ^ info.Protocol;
        h ^= h >> 15;
        return (ushort)(SourcePortBase + (int)(h % SourcePortRange));
    }
}
