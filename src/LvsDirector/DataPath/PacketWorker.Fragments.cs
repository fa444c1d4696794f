using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// Fragments of both families (IPv4, and IPv6 after RFC 8200 4.5) with one first-fragment cache approach: the first
/// fragment carries the ports and is scheduled as any packet; later ones follow its connection, held until it comes.
/// </summary>
public sealed partial class PacketWorker
{
    // A fragment has no transport header past the first, so it is matched to its first fragment's ports through
    // the fragment cache and then goes the way of that connection: NAT rewrites only its address (the transport
    // checksum, which covers the whole datagram, was adjusted in the first fragment).
    private void HandleFragment<TFamily, TAddress, TKey>(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
        where TFamily : struct, IAddressFamily<TAddress>, IFragmentFamily<TKey>
        where TAddress : unmanaged, IEquatable<TAddress>
        where TKey : struct, IEquatable<TKey>
    {
        if (info.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp) || (flags & FrameFlags.ChecksumNotReady) != 0
            || (info.IsFirstFragment && !info.HasTransportHeader) || !TFamily.HasFragmentHeader(in info))
        {
            // ICMP and other protocols are not forwarded in pieces (an echo request over the MTU goes unanswered); a
            // partial checksum cannot be completed from one fragment; a first fragment must carry the ports.
            _counters.FragmentsDropped++;
            return;
        }

        var fragments = TFamily.Fragments(this);
        var key = TFamily.FragmentKeyOf(frame, in info);
        if (info.IsFirstFragment)
        {
            _counters.FragmentsFirst++;
            var slot = fragments.RecordFirst(in key, info.SourcePort, info.DestinationPort, info.TcpFlags, info.L4Length, _nowMs);
            if (slot < 0)
            {
                _counters.FragmentCacheFull++;
            }

            // Scheduled and forwarded as any packet; the connection it finds or creates is the one the rest follow.
            HandleTransport<TFamily, TAddress>(link, frame, flags, ref info);
            if (slot >= 0)
            {
                ReleaseHeldFragments<TFamily, TAddress, TKey>(link, in key);
            }

            return;
        }

        var flow = fragments.Find(in key, _nowMs);
        if (flow >= 0)
        {
            ForwardLaterFragment<TFamily, TAddress, TKey>(link, frame, flags, ref info, flow);
            return;
        }

        switch (fragments.Hold(in key, frame[..info.IpEnd], _nowMs))
        {
            case FragmentHoldResult.Held:
                _counters.FragmentsHeld++;
                break;
            case FragmentHoldResult.Full:
                _counters.FragmentNoFirst += fragments.ExpireHeld(_nowMs);
                if (fragments.Hold(in key, frame[..info.IpEnd], _nowMs) == FragmentHoldResult.Held)
                {
                    _counters.FragmentsHeld++;
                }
                else
                {
                    _counters.FragmentHeldFull++;
                }

                break;
            default:
                _counters.FragmentHeldFull++;
                break;
        }
    }

    private void ForwardLaterFragment<TFamily, TAddress, TKey>(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info, int flow)
        where TFamily : struct, IAddressFamily<TAddress>, IFragmentFamily<TKey>
        where TAddress : unmanaged, IEquatable<TAddress>
        where TKey : struct, IEquatable<TKey>
    {
        var fragments = TFamily.Fragments(this);
        ref readonly var first = ref fragments[flow];
        var offset = TFamily.FragmentOffset(frame, in info, out var isLast);
        fragments.Account(flow, offset, info.L4Length, isLast);

        // The first fragment's TCP flags stand in for the missing header, so the state machine sees the segment
        // again rather than a flagless packet (which would close the connection).
        info.TcpFlags = first.TcpFlags;
        var connections = TFamily.Connections(this);
        var source = TFamily.Source(in info);
        var destination = TFamily.Destination(in info);
        var index = connections.FindInbound(info.Protocol, source, first.SourcePort, destination, first.DestinationPort);
        if (index >= 0)
        {
            _counters.FragmentsForwarded++;
            ForwardInbound<TFamily, TAddress>(link, frame, flags, ref info, index);
            return;
        }

        index = connections.FindOutbound(info.Protocol, source, first.SourcePort, destination, first.DestinationPort);
        if (index >= 0)
        {
            _counters.FragmentsForwarded++;
            ForwardOutbound<TFamily, TAddress>(frame, flags, ref info, index);
            return;
        }

        // The first fragment was dropped (no service, TCP without SYN, table full ...): so are the rest.
        _counters.FragmentNoConnection++;
    }

    // Later fragments that came before their first one go out right after it, in arrival order, as if they had come in
    // on the first fragment's link.
    private void ReleaseHeldFragments<TFamily, TAddress, TKey>(LinkContext link, in TKey key)
        where TFamily : struct, IAddressFamily<TAddress>, IFragmentFamily<TKey>
        where TAddress : unmanaged, IEquatable<TAddress>
        where TKey : struct, IEquatable<TKey>
    {
        var fragments = TFamily.Fragments(this);
        for (var slot = fragments.NextHeld(in key, 0); slot >= 0; slot = fragments.NextHeld(in key, slot + 1))
        {
            var held = fragments.HeldFrame(slot);
            var flow = fragments.Find(in key, _nowMs);
            if (flow >= 0 && FrameParser.Parse(held, out var heldInfo) == ParseResult.Fragment && TFamily.IsOfFamily(in heldInfo) && !heldInfo.IsFirstFragment)
            {
                ForwardLaterFragment<TFamily, TAddress, TKey>(link, held, FrameFlags.None, ref heldInfo, flow);
            }
            else
            {
                _counters.FragmentNoFirst++;
            }

            fragments.ReleaseHeld(slot);
        }
    }
}
