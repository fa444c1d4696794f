using System.Net;
using System.Net.Sockets;
using LvsDirector.Control;
using LvsDirector.DataPath;
using LvsDirector.Services;

namespace LvsDirector.Daemon;

/// <summary>
/// Carries out lvsadm's requests on the director's service table. Requests for features of later steps
/// (persistence, fwmark, one-packet scheduling, thresholds, IPv6) are refused with a clear message
/// instead of being half applied.
/// </summary>
internal sealed class DirectorControlHandler : IControlHandler
{
    /// <summary>The IPVS version ipvsadm prints in its first line; operators' scripts match on it.</summary>
    public const string IpvsVersion = "1.2.1";

    private readonly Director _director;

    public DirectorControlHandler(Director director)
    {
        _director = director;
    }

    public ValueTask<ControlResponse> HandleAsync(ControlRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = _director.Services;
        var response = request switch
        {
            AddServiceRequest r => WithService(r.Service, spec => table.AddService(spec)),
            EditServiceRequest r => WithService(r.Service, spec => table.EditService(spec)),
            DeleteServiceRequest r => WithKey(r.Service, key => table.DeleteService(key)),
            AddServerRequest r => WithServer(r.Service, r.Server, (key, spec) => table.AddRealServer(key, spec)),
            EditServerRequest r => WithServer(r.Service, r.Server, (key, spec) => table.EditRealServer(key, spec)),
            DeleteServerRequest r => WithKey(r.Service, key =>
                TryParseAddress(r.Address, out var address) ? table.DeleteRealServer(key, address, r.Port) : ServiceTableError.NoSuchDestination),
            ClearRequest => Done(table.Clear),
            ZeroRequest r => Zero(r.Service),
            ListRequest r => List(r.Service),
            SetTimeoutsRequest => ControlResponse.Failure(ControlError.NotSupported, "--set is not supported yet"),
            _ => ControlResponse.Failure(ControlError.UnknownCommand, $"Unknown command '{request.CommandName}'"),
        };
        return ValueTask.FromResult(response);
    }

    internal static ControlError ToControlError(ServiceTableError error) => error switch
    {
        ServiceTableError.None => ControlError.None,
        ServiceTableError.ServiceExists => ControlError.ServiceExists,
        ServiceTableError.NoSuchService => ControlError.NoSuchService,
        ServiceTableError.DestinationExists => ControlError.DestinationExists,
        ServiceTableError.NoSuchDestination => ControlError.NoSuchDestination,
        ServiceTableError.UnknownScheduler => ControlError.SchedulerNotFound,
        _ => ControlError.InvalidArgument,
    };

    private static ControlResponse Done(Action action)
    {
        action();
        return ControlResponse.Success();
    }

    private static ControlResponse Result(ServiceTableError error) =>
        error == ServiceTableError.None ? ControlResponse.Success() : ControlResponse.Failure(ToControlError(error));

    private static ControlResponse WithKey(ControlServiceKey key, Func<ServiceKey, ServiceTableError> action) =>
        TryConvertKey(key, out var serviceKey, out var refusal) ? Result(action(serviceKey)) : refusal;

    private static ControlResponse WithService(ControlServiceSpec spec, Func<VirtualServiceSpec, ServiceTableError> action)
    {
        if (spec.PersistenceTimeout is not null || spec.OnePacket == true || spec.PersistenceEngine is not null
            || spec.SchedulerFlags is { Count: > 0 })
        {
            return ControlResponse.Failure(ControlError.NotSupported, "persistence, one-packet scheduling and scheduler flags are not supported yet");
        }

        return TryConvertKey(spec.Key, out var key, out var refusal)
            ? Result(action(new VirtualServiceSpec(key, spec.Scheduler)))
            : refusal;
    }

    private static ControlResponse WithServer(ControlServiceKey service, ControlServerSpec spec, Func<ServiceKey, RealServerSpec, ServiceTableError> action)
    {
        if (!TryConvertKey(service, out var key, out var refusal))
        {
            return refusal;
        }

        if (spec.UpperThreshold is > 0 || spec.LowerThreshold is > 0)
        {
            return ControlResponse.Failure(ControlError.NotSupported, "connection thresholds (-x/-y) are not supported yet");
        }

        if (spec.Method != ControlForwardingMethod.Masq)
        {
            return ControlResponse.Failure(ControlError.NotSupported, $"forwarding method {spec.Method} is not supported yet; use -m (masquerading)");
        }

        if (!TryParseAddress(spec.Address, out var address))
        {
            return address is { AddressFamily: AddressFamily.InterNetworkV6 }
                ? ControlResponse.Failure(ControlError.Ipv6NotSupported)
                : ControlResponse.Failure(ControlError.InvalidArgument, $"'{spec.Address}' is not an IPv4 address");
        }

        return Result(action(key, new RealServerSpec(address, spec.Port, spec.Weight, ForwardingMethod.Masquerade)));
    }

    private static bool TryConvertKey(ControlServiceKey key, out ServiceKey serviceKey, out ControlResponse refusal)
    {
        serviceKey = default;
        if (key.Fwmark is not null)
        {
            refusal = ControlResponse.Failure(ControlError.NotSupported, "firewall-mark services are not supported yet");
            return false;
        }

        if (key.Protocol is not (ControlProtocol.Tcp or ControlProtocol.Udp))
        {
            refusal = ControlResponse.Failure(ControlError.ProtocolNotAvailable);
            return false;
        }

        if (!TryParseAddress(key.Address, out var address))
        {
            refusal = address is { AddressFamily: AddressFamily.InterNetworkV6 }
                ? ControlResponse.Failure(ControlError.Ipv6NotSupported)
                : ControlResponse.Failure(ControlError.InvalidArgument, $"'{key.Address}' is not an IPv4 address");
            return false;
        }

        serviceKey = new ServiceKey(key.Protocol == ControlProtocol.Tcp ? ServiceProtocol.Tcp : ServiceProtocol.Udp, address, key.Port);
        refusal = ControlResponse.Success();
        return true;
    }

    // Returns false for anything but IPv4, leaving a parsed IPv6 address in 'address' so the caller can say why.
    private static bool TryParseAddress(string? text, out IPAddress address)
    {
        if (text is not null && IPAddress.TryParse(text, out var parsed))
        {
            address = parsed;
            return parsed.AddressFamily == AddressFamily.InterNetwork;
        }

        address = IPAddress.None;
        return false;
    }

    private ControlResponse Zero(ControlServiceKey? key)
    {
        if (key is null)
        {
            _director.Services.ZeroCounters();
            return ControlResponse.Success();
        }

        if (!TryConvertKey(key, out var serviceKey, out var refusal))
        {
            return refusal;
        }

        var service = Find(serviceKey);
        if (service is null)
        {
            return ControlResponse.Failure(ControlError.NoSuchService);
        }

        service.Stats.Reset();
        foreach (var server in service.Servers)
        {
            server.Stats.Reset();
        }

        return ControlResponse.Success();
    }

    private ControlResponse List(ControlServiceKey? key)
    {
        IEnumerable<VirtualService> services = _director.Services.Current.Services;
        if (key is not null)
        {
            if (!TryConvertKey(key, out var serviceKey, out var refusal))
            {
                return refusal;
            }

            var one = Find(serviceKey);
            if (one is null)
            {
                return ControlResponse.Failure(ControlError.NoSuchService);
            }

            services = [one];
        }

        var entries = services.Select(ToEntry).ToList();
        return ControlResponse.FromListing(new ControlListing(IpvsVersion, _director.ConnectionTableSize, entries));
    }

    private VirtualService? Find(ServiceKey key) =>
        _director.Services.Current.Services.FirstOrDefault(s => s.Key.Protocol == key.Protocol && s.Key.Port == key.Port && s.Key.Address.Equals(key.Address));

    private static ServiceEntry ToEntry(VirtualService service) => new(
        new ControlServiceKey(service.Protocol == ServiceProtocol.Tcp ? ControlProtocol.Tcp : ControlProtocol.Udp, service.Key.Address.ToString(), service.Port),
        service.Scheduler.Name,
        ServiceAttributes.Hashed,
        0,
        null,
        null,
        service.Servers.Select(s => new ServerEntry(
            s.IPAddress.ToString(),
            s.Port,
            s.Method switch
            {
                ForwardingMethod.Masquerade => ControlForwardingMethod.Masq,
                ForwardingMethod.Tunnel => ControlForwardingMethod.Tunnel,
                _ => ControlForwardingMethod.Route,
            },
            s.Weight,
            (uint)Math.Max(0, s.ActiveConnections),
            (uint)Math.Max(0, s.InactiveConnections),
            Stats: ToStats(s.Stats))).ToList(),
        ToStats(service.Stats));

    private static TrafficStats ToStats(TrafficCounters c)
    {
        var rates = c.Rates.Read();
        return new((ulong)c.Connections, (ulong)c.InPackets, (ulong)c.OutPackets, (ulong)c.InBytes, (ulong)c.OutBytes,
            rates.ConnectionsPerSecond, rates.InPacketsPerSecond, rates.OutPacketsPerSecond, rates.InBytesPerSecond, rates.OutBytesPerSecond);
    }
}
