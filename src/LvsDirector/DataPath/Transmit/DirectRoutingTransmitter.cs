using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// Direct routing (-g, gatewaying), IPVS's ip_vs_dr_xmit and ip_vs_dr_xmit_v6: only the MACs change, the real server
/// holds the VIP itself. The two families differ in what an oversize packet gets (IPv4 fragments or ICMP
/// fragmentation-needed, IPv6 always Packet Too Big), so each has its own entry, as in IPVS.
/// </summary>
internal static class DirectRoutingTransmitter
{
    /// <summary>
    /// ip_vs_dr_xmit: a packet over the egress MTU is refused with ICMP when DF is set and fragmented otherwise
    /// (ensure_mtu_is_adequate); a GRO/TSO super-frame is cut to the MTU on the way out, as GSO would.
    /// </summary>
    public static void Transmit(PacketWorker worker, LinkContext inLink, LinkContext outLink, uint nextHop, Span<byte> frame, ref FrameInfo info)
    {
        var mtu = outLink.Link.Mtu;
        if (info.IpTotalLength > mtu && !PacketWorker.IsSuperFrame(inLink, in info))
        {
            if (PacketWorker.IsDontFragment(frame, in info))
            {
                worker.SendFragmentationNeeded(inLink, frame, in info, mtu);
                return;
            }

            worker.SendFragments(outLink, nextHop, frame, info.L3Offset, mtu);
            return;
        }

        worker.Counters.DirectRouted++;
        worker.SendOrHold<Ipv4Family, uint>(outLink, nextHop, frame, ref info);
    }

    /// <summary>
    /// ip_vs_dr_xmit_v6: a packet over the egress MTU gets Packet Too Big (IPv6 routers never fragment); a GRO/TSO
    /// super-frame is cut to the MTU on the way out, as GSO would.
    /// </summary>
    public static void Transmit6(PacketWorker worker, LinkContext inLink, LinkContext outLink, UInt128 nextHop, Span<byte> frame, ref FrameInfo info)
    {
        var mtu = outLink.Link.Mtu;
        if (info.IpTotalLength > mtu && !PacketWorker.IsSuperFrame(inLink, in info))
        {
            worker.SendPacketTooBig(inLink, frame, in info, mtu);
            return;
        }

        worker.Counters.DirectRouted++;
        worker.SendOrHold<Ipv6Family, UInt128>(outLink, nextHop, frame, ref info);
    }
}
