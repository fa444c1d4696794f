using System.Runtime.CompilerServices;
using LvsDirector.Forwarding;
using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// How a frame leaves a link, shared by every transmitter (Transmit/) and by the ARP/ND, fragment and ICMP paths:
/// resolve the next hop in the link's neighbour cache or hold the frame, segment super-frames, fragment, and the ICMP
/// errors that refuse an oversize packet.
/// </summary>
public sealed partial class PacketWorker
{
    /// <summary>To the next hop's MAC, or held in the neighbour cache while it resolves; super-frames are segmented.</summary>
    internal void SendOrHold<TFamily, TAddress>(LinkContext outLink, TAddress nextHop, Span<byte> frame, ref FrameInfo info)
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

    // A frame longer than the MTU of the link it came in on can only be a GRO/TSO aggregate, never a packet on a wire.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsSuperFrame(LinkContext inLink, in FrameInfo info) => info.IpTotalLength > inLink.Link.Mtu;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsDontFragment(ReadOnlySpan<byte> frame, in FrameInfo info) => Ipv4Header.IsDontFragment(frame[info.L3Offset..]);

    internal void SendFragments(LinkContext outLink, uint nextHop, ReadOnlySpan<byte> frame, int l3Offset, int mtu)
    {
        var fragments = _scratch.Fragments;
        var lengths = _scratch.FragmentLengths;
        var count = Ipv4Fragmenter.Fragment(frame, l3Offset, mtu, fragments, lengths);
        if (count <= 0)
        {
            _counters.OversizeDropped++;
            return;
        }

        _counters.Fragmented++;
        var offset = 0;
        for (var i = 0; i < count; i++)
        {
            SendBuilt<Ipv4Family, uint>(outLink, nextHop, fragments.AsSpan(offset, lengths[i]));
            offset += lengths[i];
        }
    }

    // Frames built here already fit the MTU: only the MACs are left to fill in.
    internal void SendBuilt<TFamily, TAddress>(LinkContext outLink, TAddress nextHop, Span<byte> frame)
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

    // Answered from the VIP on the link the packet came in on, within the worker's IcmpBudget.
    internal void SendFragmentationNeeded(LinkContext inLink, ReadOnlySpan<byte> frame, in FrameInfo info, int mtu)
    {
        if (!TakeIcmpBudget())
        {
            return;
        }

        var error = _scratch.Tunnel;
        var length = FragmentationNeeded.Write(error, frame, in info, inLink.Mac, (ushort)mtu, _scratch.NextIpv4Id());
        if (length > 0 && inLink.Link.TrySend(error.AsSpan(0, length)))
        {
            _counters.FragmentationNeededSent++;
        }
    }

    // Answered from the VIP on the link the packet came in on, within the same ICMP budget as IPv4's errors.
    internal void SendPacketTooBig(LinkContext inLink, ReadOnlySpan<byte> frame, in FrameInfo info, int mtu)
    {
        if (!TakeIcmpBudget())
        {
            return;
        }

        var error = _scratch.Tunnel;
        var length = Icmpv6.WritePacketTooBig(error, frame, in info, inLink.Mac, (uint)mtu);
        if (length > 0 && inLink.Link.TrySend(error.AsSpan(0, length)))
        {
            _counters.PacketTooBigSent++;
        }
    }

    private bool TakeIcmpBudget()
    {
        if (_icmpBudget.TryTake(_nowMs))
        {
            return true;
        }

        _counters.IcmpRateLimited++;
        return false;
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

    /// <summary>To a known MAC; a GRO/TSO super-frame over the MTU is cut to it, as a NIC would have.</summary>
    internal void Transmit(LinkContext outLink, Span<byte> frame, ref FrameInfo info, MacAddress destinationMac)
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

        if (info.Protocol != IpProtocol.Tcp)
        {
            _counters.OversizeDropped++;
            return;
        }

        var buffer = _scratch.Frame;
        var lengths = _scratch.SegmentLengths;
        var segments = TcpSegmenter.Segment(frame, info, outLink.Link.Mtu, buffer, lengths);
        if (segments <= 0)
        {
            _counters.OversizeDropped++;
            return;
        }

        _counters.Segmented++;
        var offset = 0;
        for (var i = 0; i < segments; i++)
        {
            if (outLink.Link.TrySend(buffer.AsSpan(offset, lengths[i])))
            {
                _counters.Forwarded++;
            }
            else
            {
                _counters.TransmitFull++;
            }

            offset += lengths[i];
        }
    }
}
