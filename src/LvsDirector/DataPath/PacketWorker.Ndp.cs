using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// IPv6 Neighbor Discovery, the counterpart of the ARP handling: advertisements for v6 VIPs (and only those, the kernel
/// answers for its own addresses), unsolicited advertisements when a VIP appears, and our own solicitations to resolve
/// real servers and next hops, with frames held while they resolve.
/// </summary>
public sealed partial class PacketWorker
{
    private void HandleNeighborDiscovery(LinkContext link, Span<byte> frame, ref FrameInfo info)
    {
        if (info.IcmpType == NeighborDiscovery.NeighborAdvertisementType)
        {
            if (!NeighborDiscovery.TryReadAdvertisement(frame, in info, out var advertisement))
            {
                _counters.Malformed++;
                return;
            }

            // Only neighbours we asked about are learned, so advertisement chatter cannot fill the cache.
            var mac = advertisement.HasTargetLinkLayerAddress ? advertisement.TargetLinkLayerAddress : advertisement.EthernetSource;
            if (link.Neighbors6.Learn(advertisement.TargetAddress, mac, _nowMs, create: false))
            {
                SendHeld<Ipv6Family, UInt128>(link, advertisement.TargetAddress);
            }

            if (Peers.Count > 0)
            {
                ShareLearned(new LearnedNeighbor(link.Index, true, 0, advertisement.TargetAddress, mac));
            }

            return;
        }

        if (!NeighborDiscovery.TryReadSolicitation(frame, in info, out var solicitation))
        {
            _counters.Malformed++;
            return;
        }

        if (solicitation.HasSourceLinkLayerAddress)
        {
            if (link.Neighbors6.Learn(solicitation.SourceAddress, solicitation.SourceLinkLayerAddress, _nowMs, create: false))
            {
                SendHeld<Ipv6Family, UInt128>(link, solicitation.SourceAddress);
            }

            if (Peers.Count > 0)
            {
                ShareLearned(new LearnedNeighbor(link.Index, true, 0, solicitation.SourceAddress, solicitation.SourceLinkLayerAddress));
            }
        }

        if (!Ownership.IsOwned || !link.AnnouncedVips6.Contains(solicitation.TargetAddress))
        {
            _counters.NotForUs++;
            return;
        }

        var length = NeighborDiscovery.WriteSolicitedAdvertisement(_scratch.Frame, in solicitation, link.Mac);
        if (length > 0 && link.Link.TrySend(_scratch.Frame.AsSpan(0, length)))
        {
            _counters.NeighborAdvertisementsSent++;
        }
    }

    // Heartbeat: solicit what the neighbour cache wants resolved (or re-confirmed), from the link's own address.
    private void SolicitNeighbors(LinkContext link)
    {
        var n = link.Neighbors6.CollectProbes(_nowMs, _scratch.ProbeTargets6);
        for (var i = 0; i < n; i++)
        {
            var target = _scratch.ProbeTargets6[i];
            var source = Ipv6Address.IsLinkLocal(target) ? link.LinkLocalAddress6 : link.PrimaryAddress6;
            var length = NeighborDiscovery.WriteSolicitation(_scratch.Frame, link.Mac, source, target);
            if (link.Link.TrySend(_scratch.Frame.AsSpan(0, length)))
            {
                _counters.NeighborSolicitationsSent++;
            }
        }
    }

    private void AnnounceVips6()
    {
        // One unsolicited advertisement per heartbeat per VIP, a few times (RFC 4861 7.2.6 allows up to three); none while a VRRP backup.
        if (!Ownership.IsOwned)
        {
            _announcements6.Clear();
            return;
        }

        for (var i = _announcements6.Count - 1; i >= 0; i--)
        {
            var (vip, l, remaining) = _announcements6[i];
            var link = _links[l];
            if (link.AnnouncedVips6.Contains(vip))
            {
                var length = NeighborDiscovery.WriteUnsolicitedAdvertisement(_scratch.Frame, link.Mac, vip);
                if (link.Link.TrySend(_scratch.Frame.AsSpan(0, length)))
                {
                    _counters.UnsolicitedAdvertisementsSent++;
                }
            }

            if (remaining <= 1)
            {
                _announcements6.RemoveAt(i);
            }
            else
            {
                _announcements6[i] = (vip, l, remaining - 1);
            }
        }
    }
}
