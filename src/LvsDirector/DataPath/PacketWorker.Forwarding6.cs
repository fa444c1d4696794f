using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>IPv6 DR and TUN (6in6) transmit and Packet Too Big; IPv6 is never fragmented on the way. NAT is the shared ForwardInbound.</summary>
public sealed partial class PacketWorker
{
    // ip_vs_dr_xmit_v6: only the MACs change. A packet over the egress MTU gets Packet Too Big (IPv6 routers never
    // fragment); a GRO/TSO super-frame is cut to the MTU by Transmit, as GSO would.
    internal void ForwardDirect6(LinkContext outLink, UInt128 nextHop, Span<byte> frame, ref FrameInfo info)
    {
        var mtu = outLink.Link.Mtu;
        if (info.IpTotalLength > mtu && !IsSuperFrame(in info))
        {
            SendPacketTooBig(frame, in info, mtu);
            return;
        }

        _counters.DirectRouted++;
        SendOrHold<Ipv6Family, UInt128>(outLink, nextHop, frame, ref info);
    }

    // ip_vs_tunnel_xmit_v6: the client's packet inside an outer IPv6 header (next header 41) from our address on the
    // egress link. A packet that no longer fits with the 40 tunnel bytes is always answered with Packet Too Big carrying
    // MTU - 40; a super-frame is segmented to fit before it is encapsulated.
    internal void ForwardTunnel6(LinkContext outLink, UInt128 nextHop, RealServer server, Span<byte> frame, ref FrameInfo info)
    {
        var source = outLink.PrimaryAddress6;
        if (source == UInt128.Zero)
        {
            _counters.NoRoute++;
            return;
        }

        var tunnelMtu = outLink.Link.Mtu - Ipv6Encapsulation.Overhead;
        int length;
        if (info.IpTotalLength <= tunnelMtu)
        {
            length = Ipv6Encapsulation.Encapsulate(frame, in info, _tunnelScratch, source, server.Address6);
            if (length > 0)
            {
                _counters.Tunnelled++;
                SendBuilt<Ipv6Family, UInt128>(outLink, nextHop, _tunnelScratch.AsSpan(0, length));
            }
            else
            {
                _counters.OversizeDropped++;
            }

            return;
        }

        if (!IsSuperFrame(in info))
        {
            SendPacketTooBig(frame, in info, tunnelMtu);
            return;
        }

        TunnelSegments<Ipv6Family, UInt128>(outLink, nextHop, server, source, frame, in info, tunnelMtu);
    }

    // Answered from the VIP on the link the packet came in on, within the same ICMP budget as IPv4's errors.
    private void SendPacketTooBig(ReadOnlySpan<byte> frame, in FrameInfo info, int mtu)
    {
        if (!TakeIcmpBudget())
        {
            return;
        }

        var link = _links[_currentLink];
        var length = Icmpv6.WritePacketTooBig(_tunnelScratch, frame, in info, link.Mac, (uint)mtu);
        if (length > 0 && link.Link.TrySend(_tunnelScratch.AsSpan(0, length)))
        {
            _counters.PacketTooBigSent++;
        }
    }
}
