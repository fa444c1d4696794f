using LvsDirector.Forwarding;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// IPv6 dispatch (Neighbor Discovery comes before the MAC check) and routing; the connection flow itself is the shared
/// one over <see cref="Ipv6Family"/>. Schedulers hash IPv6 flows on <see cref="Ipv6Address.Fold"/> of the addresses, as IPVS does.
/// </summary>
public sealed partial class PacketWorker
{
    private void HandleIpv6(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
    {
        if (info.Protocol == IpProtocol.Icmpv6 && info.IcmpType is NeighborDiscovery.NeighborSolicitationType or NeighborDiscovery.NeighborAdvertisementType)
        {
            // Solicitations come to a solicited-node multicast group, not to our MAC.
            HandleNeighborDiscovery(link, frame, ref info);
            return;
        }

        HandleForUs<Ipv6Family, UInt128, Ipv6QuotedPacket>(link, frame, flags, ref info);
    }

    internal int LinkFor6(UInt128 address)
    {
        for (var i = 0; i < _links.Length; i++)
        {
            if (_links[i].IsOnLink6(address))
            {
                return i;
            }
        }

        var best = -1;
        var bestLength = -1;
        for (var i = 0; i < _links.Length; i++)
        {
            var length = RouteLookup.LongestMatch<Route6, UInt128>(_links[i].Routes6, address);
            if (length > bestLength)
            {
                best = i;
                bestLength = length;
            }
        }

        if (best >= 0)
        {
            return best;
        }

        // With one link (or a link-local real server, reachable only on a link it does not name) the first link.
        return _links.Length == 1 || Ipv6Address.IsLinkLocal(address) ? 0 : -1;
    }

    // The neighbour to hand a packet for address to: itself when on-link, else the gateway of the longest matching route.
    internal static UInt128 NextHop6(LinkContext link, UInt128 address) =>
        link.Routes6.Length == 0 || link.IsOnLink6(address) ? address : RouteLookup.NextHop<Route6, UInt128>(link.Routes6, address);
}
