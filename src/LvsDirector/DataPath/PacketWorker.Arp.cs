using LvsDirector.Packets;

namespace LvsDirector.DataPath;

public sealed partial class PacketWorker
{
    private void HandleArp(LinkContext link, Span<byte> frame, int l3Offset)
    {
        if (!Arp.TryRead(frame, l3Offset, out var arp))
        {
            _counters.Malformed++;
            return;
        }

        // Only refresh neighbours we already track, so ARP chatter cannot fill the cache.
        if (arp.SenderAddress != 0)
        {
            if (link.Neighbors.Learn(arp.SenderAddress, arp.SenderMac, _nowMs, create: false))
            {
                SendHeld<Ipv4Family, uint>(link, arp.SenderAddress);
            }

            if (Peers.Count > 0)
            {
                ShareLearned(new LearnedNeighbor(link.Index, false, arp.SenderAddress, UInt128.Zero, arp.SenderMac));
            }
        }

        if (arp.Operation == 1 && Ownership.IsOwned && link.AnnouncedVips.Contains(arp.TargetAddress) && arp.SenderAddress != arp.TargetAddress)
        {
            var length = Arp.WriteReply(_scratch.Frame, link.Mac, arp.TargetAddress, arp.SenderMac, arp.SenderAddress);
            if (link.Link.TrySend(_scratch.Frame.AsSpan(0, length)))
            {
                _counters.ArpRepliesSent++;
            }
        }
    }

    // Frames held for a neighbour (IPv4 or IPv6) that has just been resolved go out now.
    private void SendHeld<TFamily, TAddress>(LinkContext link, TAddress address)
        where TFamily : struct, IAddressFamily<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        if (!TFamily.Neighbors(link).TryTakeHeld(address, out var held, out var mac))
        {
            return;
        }

        var parsed = FrameParser.Parse(held, out var info);
        if (parsed == ParseResult.Ok)
        {
            Transmit(link, held, ref info, mac);
        }
        else if (parsed is ParseResult.UnsupportedProtocol or ParseResult.Fragment && held.Length <= EthernetHeader.Length + link.Link.Mtu + 4)
        {
            // A tunnel packet or fragment built by TunnelTransmitter or SendFragments: already fits, only the MACs are missing.
            EthernetHeader.SetDestination(held, mac);
            EthernetHeader.SetSource(held, link.Mac);
            if (link.Link.TrySend(held))
            {
                _counters.Forwarded++;
            }
        }
    }

    private void AnnounceVips()
    {
        // One gratuitous ARP per heartbeat per VIP, a few times, as keepalived repeats its GARPs; none while a VRRP backup.
        if (!Ownership.IsOwned)
        {
            _announcements.Clear();
            return;
        }

        AnnounceAfterAcquiring();
        for (var i = _announcements.Count - 1; i >= 0; i--)
        {
            var (vip, l, remaining) = _announcements[i];
            var link = _links[l];
            if (link.AnnouncedVips.Contains(vip))
            {
                var length = Arp.WriteGratuitous(_scratch.Frame, link.Mac, vip);
                if (link.Link.TrySend(_scratch.Frame.AsSpan(0, length)))
                {
                    _counters.GratuitousArpsSent++;
                }
            }

            if (remaining <= 1)
            {
                _announcements.RemoveAt(i);
            }
            else
            {
                _announcements[i] = (vip, l, remaining - 1);
            }
        }
    }
}
