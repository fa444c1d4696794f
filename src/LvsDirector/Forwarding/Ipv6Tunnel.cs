using LvsDirector.Packets;

namespace LvsDirector.Forwarding;

/// <summary>
/// IPv6-in-IPv6 encapsulation (RFC 2473, next header 41) as IPVS's ip_vs_tunnel_xmit_v6 builds it: the outer header
/// copies the inner one's traffic class, flow label and hop limit, from the director's address on the egress link to
/// the real server. The tunnel costs <see cref="Overhead"/> bytes of MTU.
/// </summary>
public static class Ipv6Tunnel
{
    public const int Overhead = Ipv6Header.Length;

    /// <summary>
    /// Writes into <paramref name="output"/> the Ethernet header of <paramref name="frame"/> (VLAN tag kept; MACs are
    /// set by the caller), the outer IPv6 header and the inner packet (<c>info.IpTotalLength</c> bytes from
    /// <c>info.L3Offset</c>). Returns the frame length, or 0 when <paramref name="output"/> is too small or the inner
    /// packet is over 65535 bytes.
    /// </summary>
    public static int Encapsulate(ReadOnlySpan<byte> frame, in FrameInfo info, Span<byte> output, UInt128 outerSource, UInt128 outerDestination)
    {
        var l3 = info.L3Offset;
        var innerLength = info.IpTotalLength;
        var total = l3 + Overhead + innerLength;
        if (output.Length < total || innerLength > ushort.MaxValue || l3 + innerLength > frame.Length)
        {
            return 0;
        }

        frame[..l3].CopyTo(output);
        var inner = frame.Slice(l3, innerLength);
        inner.CopyTo(output[(l3 + Overhead)..]);
        Ipv6Header.Write(output[l3..], Ipv6Header.TrafficClass(inner), Ipv6Header.FlowLabel(inner), (ushort)innerLength,
            IpProtocol.Ipv6Encap, Ipv6Header.HopLimit(inner), outerSource, outerDestination);
        return total;
    }
}
