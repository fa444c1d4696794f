using LvsDirector.Forwarding;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>
/// Tunnelling (-i), IPVS's ip_vs_tunnel_xmit and ip_vs_tunnel_xmit_v6: the client's packet, untouched, inside an outer
/// header from our address on the egress link to the real server (<see cref="TunnelEncapsulation"/>: IPIP or GUE;
/// <see cref="Ipv6Encapsulation"/>: 6in6). The packet is built in the worker's tunnel buffer, so it is sent (or held
/// for its neighbour) before the next frame is handled.
/// </summary>
internal static class TunnelTransmitter
{
    /// <summary>
    /// ip_vs_tunnel_xmit: the tunnel costs 20 (IPIP) or 32 (GUE) bytes of MTU. A DF packet that no longer fits is
    /// answered with ICMP fragmentation-needed carrying MTU - overhead, a non-DF one travels in outer fragments, and a
    /// super-frame is segmented to fit before it is encapsulated.
    /// </summary>
    public static void Transmit(PacketWorker worker, LinkContext inLink, LinkContext outLink, uint nextHop, RealServer server, Span<byte> frame, ref FrameInfo info)
    {
        var source = outLink.PrimaryAddress;
        if (source == 0)
        {
            worker.Counters.NoRoute++;
            return;
        }

        var type = server.TunnelType;
        var mtu = outLink.Link.Mtu;
        var tunnelMtu = mtu - TunnelEncapsulation.Overhead(type);
        if (info.IpTotalLength <= tunnelMtu)
        {
            var length = Ipv4Family.Encapsulate(worker, frame, in info, worker.Scratch.Tunnel, server, source);
            if (length > 0)
            {
                worker.Counters.Tunnelled++;
                worker.SendBuilt<Ipv4Family, uint>(outLink, nextHop, worker.Scratch.Tunnel.AsSpan(0, length));
            }

            return;
        }

        if (PacketWorker.IsSuperFrame(inLink, in info))
        {
            TransmitSegments<Ipv4Family, uint>(worker, outLink, nextHop, server, source, frame, in info, tunnelMtu);
            return;
        }

        if (PacketWorker.IsDontFragment(frame, in info))
        {
            worker.SendFragmentationNeeded(inLink, frame, in info, tunnelMtu);
            return;
        }

        var built = Ipv4Family.Encapsulate(worker, frame, in info, worker.Scratch.Tunnel, server, source);
        if (built > 0)
        {
            worker.Counters.Tunnelled++;
            worker.SendFragments(outLink, nextHop, worker.Scratch.Tunnel.AsSpan(0, built), info.L3Offset, mtu);
        }
    }

    /// <summary>
    /// ip_vs_tunnel_xmit_v6: the outer IPv6 header (next header 41) costs 40 bytes. A packet that no longer fits is
    /// always answered with Packet Too Big carrying MTU - 40; a super-frame is segmented to fit before it is encapsulated.
    /// </summary>
    public static void Transmit6(PacketWorker worker, LinkContext inLink, LinkContext outLink, UInt128 nextHop, RealServer server, Span<byte> frame, ref FrameInfo info)
    {
        var source = outLink.PrimaryAddress6;
        if (source == UInt128.Zero)
        {
            worker.Counters.NoRoute++;
            return;
        }

        var tunnelMtu = outLink.Link.Mtu - Ipv6Encapsulation.Overhead;
        if (info.IpTotalLength <= tunnelMtu)
        {
            var length = Ipv6Family.Encapsulate(worker, frame, in info, worker.Scratch.Tunnel, server, source);
            if (length > 0)
            {
                worker.Counters.Tunnelled++;
                worker.SendBuilt<Ipv6Family, UInt128>(outLink, nextHop, worker.Scratch.Tunnel.AsSpan(0, length));
            }
            else
            {
                worker.Counters.OversizeDropped++;
            }

            return;
        }

        if (!PacketWorker.IsSuperFrame(inLink, in info))
        {
            worker.SendPacketTooBig(inLink, frame, in info, tunnelMtu);
            return;
        }

        TransmitSegments<Ipv6Family, UInt128>(worker, outLink, nextHop, server, source, frame, in info, tunnelMtu);
    }

    // A super-frame too big for the tunnel is cut to the tunnel MTU first, as GSO would, and each segment encapsulated.
    private static void TransmitSegments<TFamily, TAddress>(
        PacketWorker worker, LinkContext outLink, TAddress nextHop, RealServer server, TAddress source, Span<byte> frame, in FrameInfo info, int tunnelMtu)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var scratch = worker.Scratch.Frame;
        var lengths = worker.Scratch.SegmentLengths;
        var segments = info.Protocol == IpProtocol.Tcp ? TcpSegmenter.Segment(frame, info, tunnelMtu, scratch, lengths) : -1;
        if (segments <= 0)
        {
            worker.Counters.OversizeDropped++;
            return;
        }

        worker.Counters.Segmented++;
        var tunnel = worker.Scratch.Tunnel;
        var segmentInfo = info;
        var offset = 0;
        for (var i = 0; i < segments; i++)
        {
            var segment = scratch.AsSpan(offset, lengths[i]);
            offset += lengths[i];
            segmentInfo.IpTotalLength = segment.Length - info.L3Offset;
            var length = TFamily.Encapsulate(worker, segment, in segmentInfo, tunnel, server, source);
            if (length > 0)
            {
                worker.Counters.Tunnelled++;
                worker.SendBuilt<TFamily, TAddress>(outLink, nextHop, tunnel.AsSpan(0, length));
            }
        }
    }
}
