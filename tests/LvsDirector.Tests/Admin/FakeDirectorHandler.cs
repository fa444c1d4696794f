using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

/// <summary>A tiny in-memory service table that answers like the kernel's IPVS would.</summary>
internal sealed class FakeDirectorHandler : IControlHandler
{
    private readonly Lock _lock = new();
    private readonly List<(ControlServiceSpec Spec, List<ControlServerSpec> Servers)> _services = [];

    public List<ControlRequest> Requests { get; } = [];

    /// <summary>What list-connections answers.</summary>
    public List<ControlConnectionEntry> Connections { get; } = [];

    public ValueTask<ControlResponse> HandleAsync(ControlRequest request, CancellationToken ct)
    {
        lock (_lock)
        {
            Requests.Add(request);
            return ValueTask.FromResult(Handle(request));
        }
    }

    private ControlResponse Handle(ControlRequest request)
    {
        switch (request)
        {
            case AddServiceRequest add:
                if (Find(add.Service.Key) >= 0)
                {
                    return ControlResponse.Failure(ControlError.ServiceExists);
                }

                if (add.Service.Scheduler is not ("rr" or "wrr" or "wlc" or "lc" or "sh" or "mh"))
                {
                    return ControlResponse.Failure(ControlError.SchedulerNotFound);
                }

                _services.Add((add.Service, []));
                return ControlResponse.Success();

            case EditServiceRequest edit:
            {
                var index = Find(edit.Service.Key);
                if (index < 0)
                {
                    return ControlResponse.Failure(ControlError.NoSuchService);
                }

                _services[index] = (edit.Service, _services[index].Servers);
                return ControlResponse.Success();
            }

            case DeleteServiceRequest delete:
            {
                var index = Find(delete.Service);
                if (index < 0)
                {
                    return ControlResponse.Failure(ControlError.NoSuchService);
                }

                _services.RemoveAt(index);
                return ControlResponse.Success();
            }

            case AddServerRequest add:
            {
                var index = Find(add.Service);
                if (index < 0)
                {
                    return ControlResponse.Failure(ControlError.NoSuchService);
                }

                var servers = _services[index].Servers;
                if (servers.Exists(s => s.Address == add.Server.Address && s.Port == add.Server.Port))
                {
                    return ControlResponse.Failure(ControlError.DestinationExists);
                }

                if (add.Server.Address.Contains(':', StringComparison.Ordinal))
                {
                    return ControlResponse.Failure(ControlError.Ipv6NotSupported, "IPv6 real servers are not supported yet");
                }

                servers.Add(add.Server);
                return ControlResponse.Success();
            }

            case EditServerRequest edit:
            {
                var index = Find(edit.Service);
                if (index < 0)
                {
                    return ControlResponse.Failure(ControlError.NoSuchService);
                }

                var servers = _services[index].Servers;
                var at = servers.FindIndex(s => s.Address == edit.Server.Address && s.Port == edit.Server.Port);
                if (at < 0)
                {
                    return ControlResponse.Failure(ControlError.NoSuchDestination);
                }

                servers[at] = edit.Server;
                return ControlResponse.Success();
            }

            case DeleteServerRequest delete:
            {
                var index = Find(delete.Service);
                if (index < 0)
                {
                    return ControlResponse.Failure(ControlError.NoSuchService);
                }

                return _services[index].Servers.RemoveAll(s => s.Address == delete.Address && s.Port == delete.Port) == 0
                    ? ControlResponse.Failure(ControlError.NoSuchDestination)
                    : ControlResponse.Success();
            }

            case ClearRequest:
                _services.Clear();
                return ControlResponse.Success();

            case ListRequest list:
            {
                var selected = _services.Where(s => list.Service is null || s.Spec.Key == list.Service).ToList();
                if (list.Service is not null && selected.Count == 0)
                {
                    return ControlResponse.Failure(ControlError.NoSuchService);
                }

                var entries = selected.Select(s => new ServiceEntry(
                    s.Spec.Key,
                    s.Spec.Scheduler,
                    Attributes(s.Spec),
                    s.Spec.PersistenceTimeout ?? 0,
                    s.Spec.Netmask,
                    s.Spec.PersistenceEngine,
                    s.Servers.Select(r => new ServerEntry(
                        r.Address, r.Port, r.Method, r.Weight, 0, 0, 0, r.UpperThreshold ?? 0, r.LowerThreshold ?? 0, null,
                        r.Method == ControlForwardingMethod.Tunnel ? r.TunnelType ?? ControlTunnelType.Ipip : null,
                        r.TunnelPort ?? 0,
                        r.TunnelChecksum ?? ControlTunnelChecksum.NoChecksum)).ToList(),
                    TrafficStats.Zero)).ToList();
                return ControlResponse.FromListing(new ControlListing("1.2.1", 4096, entries, new ControlTimeouts(900, 120, 300)));
            }

            case ListConnectionsRequest:
                return ControlResponse.FromConnections([.. Connections]);

            default:
                return ControlResponse.Failure(ControlError.NotSupported, $"{request.CommandName} is not supported");
        }
    }

    private static ServiceAttributes Attributes(ControlServiceSpec spec)
    {
        var flags = spec.PersistenceTimeout is null ? ServiceAttributes.None : ServiceAttributes.Persistent;
        if (spec.OnePacket == true)
        {
            flags |= ServiceAttributes.OnePacket;
        }

        foreach (var name in spec.SchedulerFlags ?? [])
        {
            flags |= name switch
            {
                "flag-1" or "sh-fallback" or "mh-fallback" => ServiceAttributes.Scheduler1,
                "flag-2" or "sh-port" or "mh-port" => ServiceAttributes.Scheduler2,
                _ => ServiceAttributes.Scheduler3,
            };
        }

        return flags;
    }

    private int Find(ControlServiceKey key) => _services.FindIndex(s => s.Spec.Key == key);
}
