using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

public sealed partial class PacketWorker
{
    // A fragment has no transport header past the first, so it is matched to its first fragment's ports through
    // the fragment cache and then goes the way of that connection: NAT rewrites only its address (the transport
    // checksum, which covers the whole datagram, was adjusted in the first fragment).
    private void HandleFragment(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
    {
        if (info.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp) || (flags & FrameFlags.ChecksumNotReady) != 0
            || (info.IsFirstFragment && !info.HasTransportHeader))
        {
            // ICMP and other protocols are not forwarded in pieces (an echo request over the MTU goes unanswered); a
            // partial checksum cannot be completed from one fragment; a first fragment must carry the ports.
            _counters.FragmentsDropped++;
            return;
        }

        var ip = frame.Slice(info.L3Offset, info.IpHeaderLength);
        var key = new FragmentKey(info.SourceAddress, info.DestinationAddress, info.Protocol, Ipv4Header.Identification(ip));
        if (info.IsFirstFragment)
        {
            _counters.FragmentsFirst++;
            var slot = _fragments.RecordFirst(in key, info.SourcePort, info.DestinationPort, info.TcpFlags, info.L4Length, _nowMs);
            if (slot < 0)
            {
                _counters.FragmentCacheFull++;
            }

            // Scheduled and forwarded as any packet; the connection it finds or creates is the one the rest follow.
            HandleTransport<Ipv4Family, uint>(link, frame, flags, ref info);
            if (slot >= 0)
            {
                ReleaseHeldFragments(in key);
            }

            return;
        }

        var flow = _fragments.Find(in key, _nowMs);
        if (flow >= 0)
        {
            ForwardLaterFragment(frame, flags, ref info, flow);
            return;
        }

        switch (_fragments.Hold(in key, frame[..info.IpEnd], _nowMs))
        {
            case FragmentHoldResult.Held:
                _counters.FragmentsHeld++;
                break;
            case FragmentHoldResult.Full:
                _counters.FragmentNoFirst += _fragments.ExpireHeld(_nowMs);
                if (_fragments.Hold(in key, frame[..info.IpEnd], _nowMs) == FragmentHoldResult.Held)
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

    private void ForwardLaterFragment(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int flow)
    {
        ref readonly var first = ref _fragments[flow];
        var ip = frame.Slice(info.L3Offset, info.IpHeaderLength);
        _fragments.Account(flow, Ipv4Header.FragmentOffset(ip), info.L4Length, !Ipv4Header.HasMoreFragments(ip));

        // The first fragment's TCP flags stand in for the missing header, so the state machine sees the segment
        // again rather than a flagless packet (which would close the connection).
        info.TcpFlags = first.TcpFlags;
        var index = _connections.FindInbound(info.Protocol, info.SourceAddress, first.SourcePort, info.DestinationAddress, first.DestinationPort);
        if (index >= 0)
        {
            _counters.FragmentsForwarded++;
            ForwardInbound(frame, flags, ref info, index);
            return;
        }

        index = _connections.FindOutbound(info.Protocol, info.SourceAddress, first.SourcePort, info.DestinationAddress, first.DestinationPort);
        if (index >= 0)
        {
            _counters.FragmentsForwarded++;
            ForwardOutbound(frame, flags, ref info, index);
            return;
        }

        // The first fragment was dropped (no service, TCP without SYN, table full ...): so are the rest.
        _counters.FragmentNoConnection++;
    }

    // Later fragments that came before their first one go out right after it, in arrival order.
    private void ReleaseHeldFragments(in FragmentKey key)
    {
        for (var slot = _fragments.NextHeld(in key, 0); slot >= 0; slot = _fragments.NextHeld(in key, slot + 1))
        {
            var held = _fragments.HeldFrame(slot);
            var flow = _fragments.Find(in key, _nowMs);
            if (flow >= 0 && FrameParser.Parse(held, out var heldInfo) == ParseResult.Fragment && !heldInfo.IsFirstFragment)
            {
                ForwardLaterFragment(held, FrameFlags.None, ref heldInfo, flow);
            }
            else
            {
                _counters.FragmentNoFirst++;
            }

            _fragments.ReleaseHeld(slot);
        }
    }
}
