using System.Runtime.CompilerServices;
using LvsDirector.Forwarding;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

public sealed partial class PacketWorker
{
    // The connection's packets from the client: NAT, DR or TUN towards its real server.
    private void ForwardInbound<TFamily, TAddress>(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var connections = TFamily.Connections(this);
        if (connections.GetDestination(index) is not RealServer server)
        {
            _counters.NoDestination++;
            return;
        }

        if (server.IsRemoved)
        {
            // IPVS drops packets of a connection whose destination was deleted; with expire_nodest_conn the entry
            // goes too, so the client's next attempt is scheduled afresh.
            _counters.DestinationRemoved++;
            if (_options.ExpireNodestConn)
            {
                connections.Remove(index);
                _counters.NoDestinationExpired++;
            }

            return;
        }

        connections.OnInbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        server.Stats.AddInbound(Index, info.IpTotalLength);
        server.Service.Stats.AddInbound(Index, info.IpTotalLength);

        ref readonly var entry = ref connections[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        var outLink = _links[TFamily.ServerLinkOf(this, index)];
        var nextHop = TFamily.NextHop(outLink, TFamily.ServerAddress(server));
        switch (ForwardingBinding.FromStatus(entry.Flags))
        {
            case ForwardingMethod.DirectRouting:
                TFamily.ForwardDirect(this, outLink, nextHop, frame[..length], ref info);
                return;
            case ForwardingMethod.Tunnel:
                TFamily.ForwardTunnel(this, outLink, nextHop, server, frame[..length], ref info);
                return;
        }

        TFamily.RewriteDestination(frame, ref info, entry.RealAddress, entry.RealPort);
        SendOrHold<TFamily, TAddress>(outLink, nextHop, frame[..length], ref info);
    }

    private void SendOrHold<TFamily, TAddress>(LinkContext outLink, TAddress nextHop, Span<byte> frame, ref FrameInfo info)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var neighbors = TFamily.Neighbors(outLink);
        if (neighbors.TryResolve(nextHop, _nowMs, out var mac))
        {
            Transmit(outLink, frame, ref info, mac);
        }
        else if (neighbors.TryHold(nextHop, frame))
        {
            _counters.NeighborHeld++;
        }
        else
        {
            _counters.NeighborUnresolved++;
        }
    }

    // ip_vs_dr_xmit: only the MACs change. A packet over the egress MTU is refused with ICMP when DF is set and fragmented
    // otherwise (ensure_mtu_is_adequate); a GRO/TSO super-frame is cut to the MTU by Transmit, as GSO would.
    internal void ForwardDirect(LinkContext outLink, uint nextHop, Span<byte> frame, ref FrameInfo info)
    {
        var mtu = outLink.Link.Mtu;
        if (info.IpTotalLength > mtu && !IsSuperFrame(in info))
        {
            if (IsDontFragment(frame, in info))
            {
                SendFragmentationNeeded(frame, in info, mtu);
                return;
            }

            SendFragments(outLink, nextHop, frame, info.L3Offset, mtu);
            return;
        }

        _counters.DirectRouted++;
        SendOrHold<Ipv4Family, uint>(outLink, nextHop, frame, ref info);
    }

    // ip_vs_tunnel_xmit: the client's packet inside an outer IPv4 header from our address on the egress link. The tunnel
    // costs 20 (IPIP) or 32 (GUE) bytes of MTU: a DF packet that no longer fits is answered with ICMP
    // fragmentation-needed carrying MTU - overhead, a non-DF one travels in outer fragments, and a super-frame is
    // segmented to fit before it is encapsulated.
    internal void ForwardTunnel(LinkContext outLink, uint nextHop, RealServer server, Span<byte> frame, ref FrameInfo info)
    {
        var source = outLink.PrimaryAddress;
        if (source == 0)
        {
            _counters.NoRoute++;
            return;
        }

        var type = server.TunnelType;
        var mtu = outLink.Link.Mtu;
        var tunnelMtu = mtu - TunnelEncapsulation.Overhead(type);
        int length;
        if (info.IpTotalLength <= tunnelMtu)
        {
            length = TunnelEncapsulation.Encapsulate(frame, in info, _tunnelScratch, type, server.TunnelPort, source, server.Address, _outerId++);
            if (length > 0)
            {
                _counters.Tunnelled++;
                SendBuilt<Ipv4Family, uint>(outLink, nextHop, _tunnelScratch.AsSpan(0, length));
            }

            return;
        }

        if (IsSuperFrame(in info))
        {
            TunnelSegments<Ipv4Family, uint>(outLink, nextHop, server, source, frame, in info, tunnelMtu);
            return;
        }

        if (IsDontFragment(frame, in info))
        {
            SendFragmentationNeeded(frame, in info, tunnelMtu);
            return;
        }

        length = TunnelEncapsulation.Encapsulate(frame, in info, _tunnelScratch, type, server.TunnelPort, source, server.Address, _outerId++);
        if (length > 0)
        {
            _counters.Tunnelled++;
            SendFragments(outLink, nextHop, _tunnelScratch.AsSpan(0, length), info.L3Offset, mtu);
        }
    }

    // A super-frame too big for the tunnel is cut to the tunnel MTU first, as GSO would, and each segment encapsulated.
    private void TunnelSegments<TFamily, TAddress>(LinkContext outLink, TAddress nextHop, RealServer server, TAddress source, Span<byte> frame, in FrameInfo info, int tunnelMtu)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
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
            var length = TFamily.Encapsulate(this, segment, in segmentInfo, _tunnelScratch, server, source);
            if (length > 0)
            {
                _counters.Tunnelled++;
                SendBuilt<TFamily, TAddress>(outLink, nextHop, _tunnelScratch.AsSpan(0, length));
            }
        }
    }

    internal ushort NextOuterId() => _outerId++;

    // A frame longer than the MTU of the link it came in on can only be a GRO/TSO aggregate, never a packet on a wire.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsSuperFrame(in FrameInfo info) => info.IpTotalLength > _links[_currentLink].Link.Mtu;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDontFragment(ReadOnlySpan<byte> frame, in FrameInfo info) => Ipv4Header.IsDontFragment(frame[info.L3Offset..]);

    private void SendFragments(LinkContext outLink, uint nextHop, ReadOnlySpan<byte> frame, int l3Offset, int mtu)
    {
        var count = Ipv4Fragmenter.Fragment(frame, l3Offset, mtu, _fragmentScratch, _fragmentLengths);
        if (count <= 0)
        {
            _counters.OversizeDropped++;
            return;
        }

        _counters.Fragmented++;
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            SendBuilt<Ipv4Family, uint>(outLink, nextHop, _fragmentScratch.AsSpan(offset, _fragmentLengths[i]));
            offset += _fragmentLengths[i];
        }
    }

    // Frames built here already fit the MTU: only the MACs are left to fill in.
    private void SendBuilt<TFamily, TAddress>(LinkContext outLink, TAddress nextHop, Span<byte> frame)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var neighbors = TFamily.Neighbors(outLink);
        if (!neighbors.TryResolve(nextHop, _nowMs, out var mac))
        {
            if (neighbors.TryHold(nextHop, frame))
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

    // Answered from the VIP on the link the packet came in on, at most IcmpPerWindow per IcmpWindowMs (Linux rate-limits
    // ICMP errors too), so a flood of oversize packets cannot turn into a flood of answers.
    private void SendFragmentationNeeded(ReadOnlySpan<byte> frame, in FrameInfo info, int mtu)
    {
        if (!TakeIcmpBudget())
        {
            return;
        }

        var link = _links[_currentLink];
        var length = FragmentationNeeded.Write(_tunnelScratch, frame, in info, link.Mac, (ushort)mtu, _outerId++);
        if (length > 0 && link.Link.TrySend(_tunnelScratch.AsSpan(0, length)))
        {
            _counters.FragmentationNeededSent++;
        }
    }

    private bool TakeIcmpBudget()
    {
        if (_nowMs >= _icmpWindowEndMs)
        {
            _icmpWindowEndMs = _nowMs + IcmpWindowMs;
            _icmpBudget = IcmpPerWindow;
        }

        if (_icmpBudget <= 0)
        {
            _counters.IcmpRateLimited++;
            return false;
        }

        _icmpBudget--;
        return true;
    }

    // The connection's replies from the real server (NAT only): back to the client from the VIP.
    private void ForwardOutbound<TFamily, TAddress>(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int index)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var connections = TFamily.Connections(this);
        var server = connections.GetDestination(index) as RealServer;
        connections.OnOutbound(index, info.TcpFlags, _nowMs);
        var length = info.L3Offset + info.IpTotalLength;
        if (server is not null)
        {
            server.Stats.AddOutbound(Index, info.IpTotalLength);
            server.Service.Stats.AddOutbound(Index, info.IpTotalLength);
        }

        ref readonly var entry = ref connections[index];
        CompleteChecksumIfPartial(frame, flags, ref info);
        TFamily.RewriteSource(frame, ref info, entry.VirtualAddress, entry.VirtualPort);
        Transmit(_links[TFamily.ClientLinkOf(this, index)], frame[..length], ref info, new MacAddress(TFamily.ClientMacOf(this, index)));
    }

    // The checksum of a CSUMNOTREADY frame holds only the pseudo-header sum; an incremental update on it
    // is garbage, so the full sum is computed before the rewrite.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CompleteChecksumIfPartial(Span<byte> frame, FrameFlags flags, ref FrameInfo info)
    {
        if ((flags & FrameFlags.ChecksumNotReady) != 0)
        {
            TransportChecksum.Complete(frame, info);
            _counters.ChecksumsCompleted++;
        }
    }

    private void Transmit(LinkContext outLink, Span<byte> frame, ref FrameInfo info, MacAddress destinationMac)
    {
        EthernetHeader.SetDestination(frame, destinationMac);
        EthernetHeader.SetSource(frame, outLink.Mac);
        if (info.IpTotalLength <= outLink.Link.Mtu)
        {
            if (outLink.Link.TrySend(frame))
            {
                _counters.Forwarded++;
            }
            else
            {
                _counters.TransmitFull++;
            }

            return;
        }

        // A GRO/TSO super-frame: cut it to the MTU, as a NIC would have.
        if (info.Protocol != IpProtocol.Tcp)
        {
            _counters.OversizeDropped++;
            return;
        }

        var segments = TcpSegmenter.Segment(frame, info, outLink.Link.Mtu, _scratch, _segmentLengths);
        if (segments <= 0)
        {
            _counters.OversizeDropped++;
            return;
        }

        _counters.Segmented++;
        var offset = 0;
        for (var i = 0; i < segments; i++)
        {
            if (outLink.Link.TrySend(_scratch.AsSpan(offset, _segmentLengths[i])))
            {
                _counters.Forwarded++;
            }
            else
            {
                _counters.TransmitFull++;
            }

            offset += _segmentLengths[i];
        }
    }
}
