using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>
/// The IPv6 counterpart of the IPv4 dispatch and scheduling: same structure, counters and IPVS rules, with 128-bit
/// addresses. Schedulers hash IPv6 flows on <see cref="Ipv6Address.Fold"/> of the addresses, as IPVS does.
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

        if (!IsForUs(link, frame))
        {
            _counters.NotForUs++;
            return;
        }

        if (info.Protocol is IpProtocol.Tcp or IpProtocol.Udp)
        {
            HandleTransport6(link, frame, flags, ref info);
        }
        else if (info.Protocol == IpProtocol.Icmpv6)
        {
            HandleIcmp6(link, frame, ref info);
        }
        else
        {
            _counters.NotForUs++;
        }
    }

    private void HandleTransport6(LinkContext link, Span<byte> frame, FrameFlags flags, ref FrameInfo info)
    {
        var index = _connections6.FindInbound(info.Protocol, info.SourceAddress6, info.SourcePort, info.DestinationAddress6, info.DestinationPort);
        if (index >= 0 && info.Protocol == IpProtocol.Tcp && IsPlainSyn(info.TcpFlags) && _connections6.IsClosedForReuse(index))
        {
            // conn_reuse: a new SYN on a closing entry is a new connection and is scheduled afresh.
            _connections6.Remove(index);
            index = -1;
        }

        if (index >= 0)
        {
            ForwardInbound6(frame, flags, ref info, index);
            return;
        }

        index = _connections6.FindOutbound(info.Protocol, info.SourceAddress6, info.SourcePort, info.DestinationAddress6, info.DestinationPort);
        if (index >= 0)
        {
            ForwardOutbound6(frame, flags, ref info, index);
            return;
        }

        var snapshot = _services.Current;
        if (!snapshot.TryFindForPacket6(info.Protocol, info.DestinationAddress6, info.DestinationPort, out var service))
        {
            if (snapshot.IsVirtualAddress6(info.DestinationAddress6))
            {
                _counters.NoService++;
            }
            else
            {
                _counters.NotForUs++;
            }

            return;
        }

        if (info.Protocol == IpProtocol.Tcp && !MayStartConnection(info.TcpFlags))
        {
            _counters.TcpNotSyn++;
            return;
        }

        var persistence = service.Persistence;
        var template = -1;
        RealServer server;
        ushort realPort;
        if (persistence is not null)
        {
            if (!SchedulePersistent6(service, persistence, ref info, out server, out template))
            {
                return;
            }

            realPort = info.DestinationPort == service.Port && server.Port != 0 ? server.Port : info.DestinationPort;
        }
        else
        {
            if (!service.IsFwmark && service.Port != info.DestinationPort)
            {
                _counters.NoService++;
                return;
            }

            var input = ScheduleInput6(in info);
            if (service.Scheduler.Schedule(in input) is not RealServer scheduled)
            {
                _counters.NoDestination++;
                return;
            }

            server = scheduled;
            realPort = server.Port != 0 ? server.Port : info.DestinationPort;
        }

        var serverLink = server.IsIpv6 ? LinkFor6(server.Address6) : -1;
        if (serverLink < 0)
        {
            _counters.NoRoute++;
            return;
        }

        if (server.Method != ForwardingMethod.Masquerade)
        {
            realPort = info.DestinationPort;
        }

        if (service.OnePacket && info.Protocol == IpProtocol.Udp)
        {
            index = _connections6.AddOnePacket(info.Protocol, info.SourceAddress6, info.SourcePort, info.DestinationAddress6, info.DestinationPort,
                server.Address6, realPort, server, _options.OnePacketReplySeconds, _nowMs);
            _counters.OnePacketScheduled++;
        }
        else
        {
            index = _connections6.Add(info.Protocol, info.SourceAddress6, info.SourcePort, info.DestinationAddress6, info.DestinationPort,
                server.Address6, realPort, server, inputOnly: server.Method != ForwardingMethod.Masquerade, _nowMs, template);
        }

        if (index < 0)
        {
            _counters.ConnectionTableFull++;
            return;
        }

        _clientMac6[index] = EthernetHeader.Source(frame).Value;
        _clientLink6[index] = (byte)link.Index;
        _serverLink6[index] = (byte)serverLink;
        service.Stats.AddConnection();
        server.Stats.AddConnection();
        ForwardInbound6(frame, flags, ref info, index);
    }

    // What IPVS hashes for an IPv6 flow: the 32-bit folds of the addresses (ip_vs_addr_fold / ipv6_addr_hash).
    private static ScheduleInput ScheduleInput6(in FrameInfo info) =>
        new(Ipv6Address.Fold(info.SourceAddress6), Ipv6Address.Fold(info.DestinationAddress6), info.SourcePort, info.DestinationPort, info.Protocol);

    // ip_vs_sched_persist for IPv6: the client network is the source AND the service's IPv6 prefix mask (default /128);
    // a firewall-mark template's virtual address is the mark.
    private bool SchedulePersistent6(VirtualService service, PersistenceSettings persistence, ref FrameInfo info, out RealServer server, out int template)
    {
        var clientNetwork = info.SourceAddress6 & persistence.Ipv6Mask;
        byte protocol;
        UInt128 virtualAddress;
        ushort virtualPort;
        var onServicePort = !service.IsFwmark && service.Port != 0;
        if (service.IsFwmark)
        {
            protocol = 0;
            virtualAddress = service.Fwmark;
            virtualPort = 0;
        }
        else
        {
            protocol = info.Protocol;
            virtualAddress = info.DestinationAddress6;
            virtualPort = onServicePort ? info.DestinationPort : (ushort)0;
        }

        template = _connections6.FindTemplate(protocol, clientNetwork, virtualAddress, virtualPort);
        if (template >= 0)
        {
            if (_connections6.GetDestination(template) is RealServer bound && IsTemplateUsable(bound))
            {
                server = bound;
                _connections6.TouchTemplate(template, _nowMs);
                return true;
            }

            _connections6.InvalidateTemplate(template);
            _counters.TemplatesExpired++;
            template = -1;
        }

        var input = ScheduleInput6(in info);
        if (service.Scheduler.Schedule(in input) is not RealServer scheduled)
        {
            _counters.NoDestination++;
            server = null!;
            return false;
        }

        server = scheduled;
        if (!server.IsIpv6 || LinkFor6(server.Address6) < 0)
        {
            _counters.NoRoute++;
            return false;
        }

        template = _connections6.AddTemplate(protocol, clientNetwork, virtualAddress, virtualPort,
            server.Address6, onServicePort ? server.Port : (ushort)0, server, persistence.TimeoutSeconds, _nowMs);
        if (template < 0)
        {
            _counters.ConnectionTableFull++;
            return false;
        }

        _counters.TemplatesCreated++;
        return true;
    }

    private int LinkFor6(UInt128 address)
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
            foreach (var route in _links[i].Routes6)
            {
                if (route.Matches(address) && route.PrefixLength > bestLength)
                {
                    best = i;
                    bestLength = route.PrefixLength;
                }
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
    private static UInt128 NextHop6(LinkContext link, UInt128 address)
    {
        if (link.Routes6.Length == 0 || link.IsOnLink6(address))
        {
            return address;
        }

        foreach (var route in link.Routes6)
        {
            if (route.Matches(address))
            {
                return route.Gateway;
            }
        }

        return address;
    }
}
