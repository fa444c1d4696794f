using System.Buffers.Binary;
using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// IPv6 fragments (RFC 8200 4.5), the same first-fragment cache approach as IPv4: the first fragment carries the ports
/// after the fragment header and is scheduled as any packet; later ones follow its connection, held until it comes.
/// </summary>
public sealed partial class PacketWorker
{
    private void HandleFragment6(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
    {
        if (info.Protocol is not (IpProtocol.Tcp or IpProtocol.Udp) || (flags & FrameFlags.ChecksumNotReady) != 0
            || (info.IsFirstFragment && !info.HasTransportHeader) || info.FragmentHeaderOffset == 0)
        {
            _counters.FragmentsDropped++;
            return;
        }

        var key = new Ipv6FragmentKey(info.SourceAddress6, info.DestinationAddress6, info.FragmentId);
        if (info.IsFirstFragment)
        {
            _counters.FragmentsFirst++;
            var slot = _fragments6.RecordFirst(in key, info.SourcePort, info.DestinationPort, info.TcpFlags, info.L4Length, _nowMs);
            if (slot < 0)
            {
                _counters.FragmentCacheFull++;
            }

            HandleTransport<Ipv6Family, UInt128>(link, frame, flags, ref info);
            if (slot >= 0)
            {
                ReleaseHeldFragments6(in key);
            }

            return;
        }

        var flow = _fragments6.Find(in key, _nowMs);
        if (flow >= 0)
        {
            ForwardLaterFragment6(frame, flags, ref info, flow);
            return;
        }

        switch (_fragments6.Hold(in key, frame[..info.IpEnd], _nowMs))
        {
            case FragmentHoldResult.Held:
                _counters.FragmentsHeld++;
                break;
            case FragmentHoldResult.Full:
                _counters.FragmentNoFirst += _fragments6.ExpireHeld(_nowMs);
                if (_fragments6.Hold(in key, frame[..info.IpEnd], _nowMs) == FragmentHoldResult.Held)
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

    private void ForwardLaterFragment6(Span<byte> frame, FrameFlags flags, ref FrameInfo info, int flow)
    {
        ref readonly var first = ref _fragments6[flow];

        // Fragment header: next header, reserved, offset (13 bits, in 8-byte units) with the M flag, identification.
        var offsetAndFlags = BinaryPrimitives.ReadUInt16BigEndian(frame[(info.FragmentHeaderOffset + 2)..]);
        _fragments6.Account(flow, offsetAndFlags & Ipv6Header.FragmentOffsetMask, info.L4Length, (offsetAndFlags & Ipv6Header.MoreFragmentsFlag) == 0);

        info.TcpFlags = first.TcpFlags;
        var index = _connections6.FindInbound(info.Protocol, info.SourceAddress6, first.SourcePort, info.DestinationAddress6, first.DestinationPort);
        if (index >= 0)
        {
            _counters.FragmentsForwarded++;
            ForwardInbound6(frame, flags, ref info, index);
            return;
        }

        index = _connections6.FindOutbound(info.Protocol, info.SourceAddress6, first.SourcePort, info.DestinationAddress6, first.DestinationPort);
        if (index >= 0)
        {
            _counters.FragmentsForwarded++;
            ForwardOutbound6(frame, flags, ref info, index);
            return;
        }

        _counters.FragmentNoConnection++;
    }

    private void ReleaseHeldFragments6(in Ipv6FragmentKey key)
    {
        for (var slot = _fragments6.NextHeld(in key, 0); slot >= 0; slot = _fragments6.NextHeld(in key, slot + 1))
        {
            var held = _fragments6.HeldFrame(slot);
            var flow = _fragments6.Find(in key, _nowMs);
            if (flow >= 0 && FrameParser.Parse(held, out var heldInfo) == ParseResult.Fragment && heldInfo.IsIpv6 && !heldInfo.IsFirstFragment)
            {
                ForwardLaterFragment6(held, FrameFlags.None, ref heldInfo, flow);
            }
            else
            {
                _counters.FragmentNoFirst++;
            }

            _fragments6.ReleaseHeld(slot);
        }
    }
}
