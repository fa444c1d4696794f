using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

public sealed partial class PacketWorker
{
    private void Heartbeat()
    {
        _connections.ExpireDue(_nowMs, ExpireScanPerHeartbeat);
        _connections6.ExpireDue(_nowMs, ExpireScanPerHeartbeat);
        _counters.FragmentNoFirst += _fragments.ExpireHeld(_nowMs);
        _counters.FragmentNoFirst += _fragments6.ExpireHeld(_nowMs);
        var snapshot = _services.Current;
        if (snapshot.Version != _seenVersion)
        {
            _seenVersion = snapshot.Version;
            OnServicesChanged(snapshot);
        }

        if (Index == 0)
        {
            // One worker announces, as one worker answers ARP and Neighbor Solicitations (the fanout sends it all of them).
            AnnounceVips();
            AnnounceVips6();
        }
        foreach (var link in _links)
        {
            var n = link.Neighbors.CollectProbes(_nowMs, _scratch.ProbeTargets);
            for (var i = 0; i < n; i++)
            {
                var length = Arp.WriteRequest(_scratch.Frame, link.Mac, link.PrimaryAddress, _scratch.ProbeTargets[i]);
                if (link.Link.TrySend(_scratch.Frame.AsSpan(0, length)))
                {
                    _counters.ArpRequestsSent++;
                }
            }

            SolicitNeighbors(link);
            link.Link.Flush();
        }
    }

    // Runs only when the configuration changed, so allocating here is fine.
    private void OnServicesChanged(ServiceTableSnapshot snapshot)
    {
        var announced = new HashSet<uint>[_links.Length];
        var announced6 = new HashSet<UInt128>[_links.Length];
        for (var i = 0; i < _links.Length; i++)
        {
            announced[i] = [];
            announced6[i] = [];
        }

        foreach (var service in snapshot.Services)
        {
            foreach (var address in snapshot.AddressesOf(service))
            {
                announced[AnnouncingLink(service, address)].Add(address);
            }

            foreach (var address in snapshot.AddressesOf6(service))
            {
                announced6[AnnouncingLink6(service, address)].Add(address);
            }

            foreach (var server in service.Servers)
            {
                if (server.IsIpv6)
                {
                    var l6 = LinkFor6(server.Address6);
                    if (l6 >= 0)
                    {
                        _links[l6].Neighbors6.Want(NextHop6(_links[l6], server.Address6));
                    }

                    continue;
                }

                var l = LinkFor(server.Address);
                if (l >= 0)
                {
                    _links[l].Neighbors.Want(NextHop(_links[l], server.Address));
                }
            }
        }

        for (var i = 0; i < _links.Length; i++)
        {
            foreach (var vip in announced[i])
            {
                if (!_links[i].AnnouncedVips.Contains(vip))
                {
                    _announcements.Add((vip, i, GratuitousRepeats));
                }
            }

            _links[i].AnnouncedVips = announced[i];
            foreach (var vip in announced6[i])
            {
                if (!_links[i].AnnouncedVips6.Contains(vip))
                {
                    _announcements6.Add((vip, i, GratuitousRepeats));
                }
            }

            _links[i].AnnouncedVips6 = announced6[i];
        }
    }

    private int AnnouncingLink(VirtualService service, uint address)
    {
        if (service.Interface is { } name)
        {
            for (var i = 0; i < _links.Length; i++)
            {
                if (string.Equals(_links[i].Name, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }
        }

        for (var i = 0; i < _links.Length; i++)
        {
            if (_links[i].IsOnLink(address))
            {
                return i;
            }
        }

        return 0;
    }

    private int AnnouncingLink6(VirtualService service, UInt128 address)
    {
        if (service.Interface is { } name)
        {
            for (var i = 0; i < _links.Length; i++)
            {
                if (string.Equals(_links[i].Name, name, StringComparison.Ordinal))
                {
                    return i;
                }
            }
        }

        for (var i = 0; i < _links.Length; i++)
        {
            if (_links[i].IsOnLink6(address))
            {
                return i;
            }
        }

        return 0;
    }
}
