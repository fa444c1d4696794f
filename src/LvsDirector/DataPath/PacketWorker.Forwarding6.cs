using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>IPv6 NAT, DR and TUN (6in6) transmit, mirroring the IPv4 ones; IPv6 is never fragmented on the way.</summary>
public sealed partial class PacketWorker
{
    internal void ForwardInbound6(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
    {
        if (_connections6.GetDestination(index) is not RealServer server)
        {
            _counters.NoDestination++;
            return;
        }

        if (server.IsRemoved)
        {
            _counters.DestinationRemoved++;
            if (_options.ExpireNodestConn)
            {
                _connections6.Remove(index);
                _counters.NoDestinationExpired++;
            }

            return;
        }

        _connections6.OnInbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        server.Stats.AddInbound(info.IpTotalLength);
        server.Service.Stats.AddInbound(info.IpTotalLength);

        ref readonly var entry = ref _connections6[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        var outLink = _links[_serverLink6[index]];
        var nextHop = NextHop6(outLink, server.Address6);
        switch (server.Method)
        {
            case ForwardingMethod.DirectRouting:
                ForwardDirect6(outLink, nextHop, frame[..length], ref info);
                return;
            case ForwardingMethod.Tunnel:
                ForwardTunnel6(outLink, nextHop, server, frame[..length], ref info);
                return;
        }

        Ipv6NatRewriter.RewriteDestination(frame, info, entry.RealAddress, entry.RealPort);

        // TcpSegmenter takes the IPv6 pseudo-header addresses from info, so a super-frame's segments need the new one.
        info.DestinationAddress6 = entry.RealAddress;
        SendOrHold6(outLink, nextHop, frame[..length], ref info);
    }

    // ip_vs_dr_xmit_v6: only the MACs change. A packet over the egress MTU gets Packet Too Big (IPv6 routers never
    // fragment); a GRO/TSO super-frame is cut to the MTU by Transmit, as GSO would.
    private void ForwardDirect6(LinkContext outLink, UInt128 nextHop, Span<byte> frame, ref FrameInfo info)
    {
        var mtu = outLink.Link.Mtu;
        if (info.IpTotalLength > mtu && !IsSuperFrame(in info))
        {
            SendPacketTooBig(frame, in info, mtu);
            return;
        }

        _counters.DirectRouted++;
        SendOrHold6(outLink, nextHop, frame, ref info);
    }

    // ip_vs_tunnel_xmit_v6: the client's packet inside an outer IPv6 header (next header 41) from our address on the
    // egress link. A packet that no longer fits with the 40 tunnel bytes is always answered with Packet Too Big carrying
    // MTU - 40; a super-frame is segmented to fit before it is encapsulated.
    private void ForwardTunnel6(LinkContext outLink, UInt128 nextHop, RealServer server, Span<byte> frame, ref FrameInfo info)
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
                SendBuilt6(outLink, nextHop, _tunnelScratch.AsSpan(0, length));
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

        var segments = info.Protocol == IpProtocol.Tcp ? TcpSegmenter.Segment(frame, info, tunnelMtu, _scratch, _segmentLengths) : -1;
        if (segments <= 0)
        {
            _counters.OversizeDropped++;
            return;
        }

        _counters.Segmented++;
        var segmentInfo = info;
        var offset = 0;
        for (var i = 0; i < segments; i++)
        {
            var segment = _scratch.AsSpan(offset, _segmentLengths[i]);
            offset += _segmentLengths[i];
            segmentInfo.IpTotalLength = segment.Length - info.L3Offset;
            length = Ipv6Encapsulation.Encapsulate(segment, in segmentInfo, _tunnelScratch, source, server.Address6);
            if (length > 0)
            {
                _counters.Tunnelled++;
                SendBuilt6(outLink, nextHop, _tunnelScratch.AsSpan(0, length));
            }
        }
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

    private void SendOrHold6(LinkContext outLink, UInt128 nextHop, Span<byte> frame, ref FrameInfo info)
    {
        if (outLink.Neighbors6.TryResolve(nextHop, _nowMs, out var mac))
        {
            Transmit(outLink, frame, ref info, mac);
        }
        else if (outLink.Neighbors6.TryHold(nextHop, frame))
        {
            _counters.NeighborHeld++;
        }
        else
        {
            _counters.NeighborUnresolved++;
        }
    }

    // Frames built here already fit the MTU: only the MACs are left to fill in.
    private void SendBuilt6(LinkContext outLink, UInt128 nextHop, Span<byte> frame)
    {
        if (!outLink.Neighbors6.TryResolve(nextHop, _nowMs, out var mac))
        {
            if (outLink.Neighbors6.TryHold(nextHop, frame))
            {
                _counters.NeighborHeld++;
            }
            else
            {
                _counters.NeighborUnresolved++;
            }

            return;
        }

        EthernetHeader.SetDestination(frame, mac);
        EthernetHeader.SetSource(frame, outLink.Mac);
        if (outLink.Link.TrySend(frame))
        {
            _counters.Forwarded++;
        }
        else
        {
            _counters.TransmitFull++;
        }
    }

    internal void ForwardOutbound6(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
    {
        var server = _connections6.GetDestination(index) as RealServer;
        _connections6.OnOutbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        if (server is not null)
        {
            server.Stats.AddOutbound(info.IpTotalLength);
            server.Service.Stats.AddOutbound(info.IpTotalLength);
        }

        ref readonly var entry = ref _connections6[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        Ipv6NatRewriter.RewriteSource(frame, info, entry.VirtualAddress, entry.VirtualPort);
        info.SourceAddress6 = entry.VirtualAddress;
        Transmit(_links[_clientLink6[index]], frame[..length], ref info, new MacAddress(_clientMac6[index]));
    }
}
