using System.Net;
using System.Net.Sockets;
using LvsDirector.Control;
using LvsDirector.DataPath;
using LvsDirector.Scheduling;
using LvsDirector.Services;

namespace LvsDirector.Daemon;

/// <summary>
/// Carries out lvsadm's requests on the director's service table, with the errors IPVS gives. IPv4 and IPv6 services
/// are both served; mixing families between a service and its real servers is refused with a clear message, as are
/// features lvsd does not have (persistence engines).
/// </summary>
internal sealed class DirectorControlHandler : IControlHandler
{
    /// <summary>The IPVS version ipvsadm prints in its first line; operators' scripts match on it.</summary>
    public const string IpvsVersion = "1.2.1";

    private readonly Director _director;
    private readonly ConfigurationReloader? _reloader;

    /// <param name="director">The director whose table requests change.</param>
    /// <param name="reloader">Carries out reload requests; null refuses them.</param>
    public DirectorControlHandler(Director director, ConfigurationReloader? reloader = null)
    {
        _director = director;
        _reloader = reloader;
    }

    public ValueTask<ControlResponse> HandleAsync(ControlRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request is ReloadRequest)
        {
            return new ValueTask<ControlResponse>(ReloadAsync(ct));
        }

        var table = _director.Services;
        var response = request switch
        {
            AddServiceRequest r => WithService(r.Service, spec => table.AddService(spec)),
            EditServiceRequest r => WithService(r.Service, spec => table.EditService(spec)),
            DeleteServiceRequest r => WithKey(r.Service, key => table.DeleteService(key)),
            AddServerRequest r => WithServer(r.Service, r.Server, (key, spec) => table.AddRealServer(key, spec)),
            EditServerRequest r => WithServer(r.Service, r.Server, (key, spec) => table.EditRealServer(key, spec)),
            DeleteServerRequest r => WithKey(r.Service, key =>
                TryParseAddress(r.Address) is { } address ? table.DeleteRealServer(key, address, r.Port) : ServiceTableError.NoSuchDestination),
            ClearRequest => Done(table.Clear),
            ZeroRequest r => Zero(r.Service),
            ListRequest r => List(r.Service),
            SetTimeoutsRequest r => SetTimeouts(r),
            ListConnectionsRequest => ListConnections(),
            _ => ControlResponse.Failure(ControlError.UnknownCommand, $"Unknown command '{request.CommandName}'"),
        };
        return ValueTask.FromResult(response);
    }

    private async Task<ControlResponse> ReloadAsync(CancellationToken ct)
    {
        if (_reloader is null)
        {
            return ControlResponse.Failure(ControlError.InvalidArgument, "reload is not available");
        }

        var result = await _reloader.ReloadAsync("lvsadm", ct).ConfigureAwait(false);
        if (result.Errors.Count > 0)
        {
            return ControlResponse.Failure(ControlError.InvalidArgument, string.Join('\n', result.Errors));
        }

        return new ControlResponse(true, ControlError.None, result.Warnings.Count > 0 ? string.Join('\n', result.Warnings) : null);
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

    internal static ControlServiceKey ToControlKey(ServiceKey key) =>
        key.IsFwmark
            ? new ControlServiceKey(ControlProtocol.Tcp, null, 0, key.Fwmark, key.IsIpv6 ? true : null)
            : new ControlServiceKey(key.Protocol == ServiceProtocol.Tcp ? ControlProtocol.Tcp : ControlProtocol.Udp, key.Address.ToString(), key.Port);

    private static ControlResponse Done(Action action)
    {
        action();
        return ControlResponse.Success();
    }

    // Errors ipvsadm has its own words for go without a message; the others carry the service table's text, which
    // lvsadm prints for InvalidArgument.
    private static ControlResponse Result(ServiceTableError error) => error switch
    {
        ServiceTableError.None => ControlResponse.Success(),
        ServiceTableError.ZeroPortNotPersistent or ServiceTableError.ThresholdRange or ServiceTableError.AddressFamilyMismatch =>
            ControlResponse.Failure(ToControlError(error), ServiceTable.Describe(error)),
        _ => ControlResponse.Failure(ToControlError(error)),
    };

    private static ControlResponse WithKey(ControlServiceKey key, Func<ServiceKey, ServiceTableError> action) =>
        TryConvertKey(key, out var serviceKey, out var refusal) ? Result(action(serviceKey)) : refusal;

    private static ControlResponse WithService(ControlServiceSpec spec, Func<VirtualServiceSpec, ServiceTableError> action)
    {
        if (!SchedulerRegistry.TryParseFlags(spec.Scheduler, spec.SchedulerFlags, out var schedulerFlags))
        {
            return ControlResponse.Failure(ControlError.InvalidArgument, $"scheduler flags {string.Join(',', spec.SchedulerFlags ?? [])} do not apply to scheduler {spec.Scheduler}");
        }

        // IPVS answers ENOENT for a persistence engine it has no module for; lvsd has none (sip) yet.
        if (!string.IsNullOrEmpty(spec.PersistenceEngine))
        {
            return ControlResponse.Failure(ControlError.SchedulerNotFound, $"persistence engine '{spec.PersistenceEngine}' is not available");
        }

        if (!TryConvertKey(spec.Key, out var key, out var refusal))
        {
            return refusal;
        }

        // ipvsadm -M: a dotted netmask for an IPv4 service, a prefix length (1..128) for an IPv6 one.
        IPAddress? netmask = null;
        int? prefixLength = null;
        if (spec.Netmask is { } maskText)
        {
            if (key.IsIpv6)
            {
                if (!int.TryParse(maskText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
                    || prefix is < 1 or > PersistenceSettings.HostPrefixLength)
                {
                    return ControlResponse.Failure(ControlError.InvalidArgument, $"'{maskText}' is not an IPv6 prefix length (1..128)");
                }

                prefixLength = prefix;
            }
            else if (!IPAddress.TryParse(maskText, out netmask) || netmask.AddressFamily != AddressFamily.InterNetwork)
            {
                return ControlResponse.Failure(ControlError.InvalidArgument, $"'{maskText}' is not an IPv4 netmask");
            }
        }

        if (spec.PersistenceTimeout is > ServiceTable.MaxTimeoutSeconds or 0)
        {
            return ControlResponse.Failure(ControlError.InvalidArgument, $"persistence timeout must be between 1 and {ServiceTable.MaxTimeoutSeconds} seconds");
        }

        return Result(action(new VirtualServiceSpec(key, spec.Scheduler)
        {
            PersistenceTimeoutSeconds = spec.PersistenceTimeout,
            PersistenceNetmask = netmask,
            PersistencePrefixLength = prefixLength,
            OnePacket = spec.OnePacket == true,
            SchedulerFlags = schedulerFlags,
        }));
    }

    private static ControlResponse WithServer(ControlServiceKey service, ControlServerSpec spec, Func<ServiceKey, RealServerSpec, ServiceTableError> action)
    {
        if (!TryConvertKey(service, out var key, out var refusal))
        {
            return refusal;
        }

        ForwardingMethod method;
        switch (spec.Method)
        {
            case ControlForwardingMethod.Masq:
                method = ForwardingMethod.Masquerade;
                break;
            case ControlForwardingMethod.Route:
                method = ForwardingMethod.DirectRouting;
                break;
            case ControlForwardingMethod.Tunnel:
                method = ForwardingMethod.Tunnel;
                break;
            default:
                return ControlResponse.Failure(ControlError.NotSupported, $"forwarding method {spec.Method} is not supported; use -m, -g or -i");
        }

        if (TryParseAddress(spec.Address) is not { } address)
        {
            return ControlResponse.Failure(ControlError.InvalidArgument, $"'{spec.Address}' is not an IP address");
        }

        if (!TryConvertTunnel(spec, address, out var tunnelType, out var tunnelPort, out var tunnelRefusal))
        {
            return tunnelRefusal;
        }

        // As ipvsadm -e sends the whole destination, an edit without --tun-type makes the server IPIP again.
        return Result(action(key, new RealServerSpec(address, spec.Port, spec.Weight, method)
        {
            UpperThreshold = spec.UpperThreshold ?? 0,
            LowerThreshold = spec.LowerThreshold ?? 0,
            TunnelType = tunnelType,
            TunnelPort = tunnelPort,
        }));
    }

    /// <summary>
    /// --tun-type/--tun-port/--tun-*csum: the rules lvsadm already checks as ipvsadm does (for other clients), then
    /// what lvsd's data path lacks: GRE, tunnel checksums (it sends GUE with UDP checksum 0, --tun-nocsum) and GUE to
    /// IPv6 real servers (IPv6 is tunnelled as 6in6 only).
    /// </summary>
    internal static bool TryConvertTunnel(ControlServerSpec spec, IPAddress address, out TunnelType type, out ushort port, out ControlResponse refusal)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(address);
        type = TunnelType.Ipip;
        port = 0;
        refusal = ControlResponse.Success();
        var anyTunnelOption = spec.TunnelType is not null || spec.TunnelPort is not null || spec.TunnelChecksum is not null;
        if (spec.Method != ControlForwardingMethod.Tunnel)
        {
            if (anyTunnelOption)
            {
                refusal = ControlResponse.Failure(ControlError.InvalidArgument, "Tunnel options conflict with forward method");
                return false;
            }

            return true;
        }

        switch (spec.TunnelType ?? ControlTunnelType.Ipip)
        {
            case ControlTunnelType.Ipip:
                if (spec.TunnelPort is not null || spec.TunnelChecksum is not null)
                {
                    var option = spec.TunnelPort is not null ? "tun-port" : ChecksumOption(spec.TunnelChecksum!.Value);
                    refusal = ControlResponse.Failure(ControlError.InvalidArgument, $"Illegal '{option}' option with the 'ipip' tunnel type");
                    return false;
                }

                return true;

            case ControlTunnelType.Gue:
                if (spec.TunnelPort is not { } guePort || guePort == 0)
                {
                    refusal = ControlResponse.Failure(ControlError.InvalidArgument, "You need to supply the 'tun-port' option for the 'gue' tunnel type");
                    return false;
                }

                if (spec.TunnelChecksum is ControlTunnelChecksum.Checksum or ControlTunnelChecksum.RemoteChecksum)
                {
                    refusal = ControlResponse.Failure(ControlError.NotSupported,
                        $"--{ChecksumOption(spec.TunnelChecksum.Value)} is not supported: lvsd sends GUE without a UDP checksum (--tun-nocsum)");
                    return false;
                }

                if (address.AddressFamily == AddressFamily.InterNetworkV6)
                {
                    refusal = ControlResponse.Failure(ControlError.NotSupported,
                        "GUE to IPv6 real servers is not supported: lvsd tunnels IPv6 as 6in6 (--tun-type ipip)");
                    return false;
                }

                type = TunnelType.Gue;
                port = guePort;
                return true;

            case ControlTunnelType.Gre:
                refusal = ControlResponse.Failure(ControlError.NotSupported,
                    "GRE tunnels (--tun-type gre) are not supported by lvsd: use --tun-type ipip or gue");
                return false;

            default:
                refusal = ControlResponse.Failure(ControlError.InvalidArgument, "illegal tunnel type specified");
                return false;
        }
    }

    private static string ChecksumOption(ControlTunnelChecksum checksum) => checksum switch
    {
        ControlTunnelChecksum.Checksum => "tun-csum",
        ControlTunnelChecksum.RemoteChecksum => "tun-remcsum",
        _ => "tun-nocsum",
    };

    private static bool TryConvertKey(ControlServiceKey key, out ServiceKey serviceKey, out ControlResponse refusal)
    {
        serviceKey = default;
        if (key.Fwmark is { } mark)
        {
            if (mark == 0)
            {
                refusal = ControlResponse.Failure(ControlError.InvalidArgument, "firewall mark 0 is not a mark");
                return false;
            }

            serviceKey = ServiceKey.ForFwmark(mark, key.Ipv6 == true);
            refusal = ControlResponse.Success();
            return true;
        }

        if (key.Protocol is not (ControlProtocol.Tcp or ControlProtocol.Udp))
        {
            refusal = ControlResponse.Failure(ControlError.ProtocolNotAvailable);
            return false;
        }

        if (TryParseAddress(key.Address) is not { } address)
        {
            refusal = ControlResponse.Failure(ControlError.InvalidArgument, $"'{key.Address}' is not an IP address");
            return false;
        }

        serviceKey = new ServiceKey(key.Protocol == ControlProtocol.Tcp ? ServiceProtocol.Tcp : ServiceProtocol.Udp, address, key.Port);
        refusal = ControlResponse.Success();
        return true;
    }

    // IPv4 or IPv6 text, brackets tolerated; zone ids are refused (a service or server address is global).
    internal static IPAddress? TryParseAddress(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var bare = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        return !bare.Contains('%', StringComparison.Ordinal)
               && IPAddress.TryParse(bare, out var parsed)
               && parsed.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            ? parsed
            : null;
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
        return ControlResponse.FromListing(new ControlListing(IpvsVersion, _director.ConnectionTableSize, entries, CurrentTimeouts()));
    }

    private ControlTimeouts CurrentTimeouts()
    {
        var timeouts = _director.Timeouts;
        return new ControlTimeouts((int)timeouts.Established.TotalSeconds, (int)timeouts.FinWait.TotalSeconds, (int)timeouts.Udp.TotalSeconds);
    }

    // One-packet reply entries are lvsd's own bookkeeping for --ops; IPVS lists nothing for them.
    private ControlResponse ListConnections() =>
        ControlResponse.FromConnections(_director.SnapshotConnections()
            .Where(c => !c.IsOnePacket)
            .Select(ToConnectionEntry)
            .ToList());

    internal static ControlConnectionEntry ToConnectionEntry(ConnectionSnapshot c)
    {
        // A firewall-mark template carries the mark where the VIP would be (ipvsadm prints 0.0.0.MARK, or 0:MARK:: for
        // IPv6); the snapshot keeps the mark in VirtualAddress for both families.
        var isFwmarkTemplate = c.IsTemplate && c.Protocol == 0;
        return new ControlConnectionEntry(
            c.Protocol == 17 ? ControlProtocol.Udp : ControlProtocol.Tcp,
            c.ClientAddressText,
            c.ClientPort,
            isFwmarkTemplate ? null : c.VirtualAddressText,
            c.VirtualPort,
            c.RealAddressText,
            c.RealPort,
            c.StateName,
            (uint)(c.ExpiresInMs / 1000),
            c.IsTemplate,
            isFwmarkTemplate ? c.VirtualAddress : null);
    }

    private ControlResponse SetTimeouts(SetTimeoutsRequest request) =>
        _director.TrySetTimeouts(request.Tcp, request.TcpFin, request.Udp, out var error)
            ? ControlResponse.Success()
            : ControlResponse.Failure(ControlError.InvalidArgument, error);

    private VirtualService? Find(ServiceKey key) =>
        _director.Services.Current.Services.FirstOrDefault(s => ServiceTable.SameService(s.Key, key));

    private static ServiceAttributes FlagsOf(VirtualService service) =>
        ServiceAttributes.Hashed
        | (service.Persistence is not null ? ServiceAttributes.Persistent : ServiceAttributes.None)
        | (service.OnePacket ? ServiceAttributes.OnePacket : ServiceAttributes.None)
        | ((service.Scheduler.Flags & SchedulerFlags.Flag1) != 0 ? ServiceAttributes.Scheduler1 : ServiceAttributes.None)
        | ((service.Scheduler.Flags & SchedulerFlags.Flag2) != 0 ? ServiceAttributes.Scheduler2 : ServiceAttributes.None)
        | ((service.Scheduler.Flags & SchedulerFlags.Flag3) != 0 ? ServiceAttributes.Scheduler3 : ServiceAttributes.None);

    // IPVS reports a mask for every service (255.255.255.255 unless -M), as ipvsadm -S would print it.
    private static ServiceEntry ToEntry(VirtualService service) => new(
        ToControlKey(service.Key),
        service.Scheduler.Name,
        FlagsOf(service),
        service.Persistence?.TimeoutSeconds ?? 0,
        service.Persistence?.MaskText(service.IsIpv6) ?? (service.IsIpv6 ? "128" : "255.255.255.255"),
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
            (uint)Math.Max(0, s.PersistentConnections),
            s.UpperThreshold,
            s.LowerThreshold,
            ToStats(s.Stats),
            s.Method == ForwardingMethod.Tunnel ? (s.TunnelType == TunnelType.Gue ? ControlTunnelType.Gue : ControlTunnelType.Ipip) : null,
            s.Method == ForwardingMethod.Tunnel && s.TunnelType == TunnelType.Gue ? s.TunnelPort : (ushort)0)
        {
            ConfiguredWeight = s.ConfiguredWeight != s.Weight ? s.ConfiguredWeight : null,
            SorryServer = s.IsSorryServer,
        }).ToList(),
        ToStats(service.Stats));

    private static TrafficStats ToStats(TrafficCounters c)
    {
        var rates = c.Rates.Read();
        return new((ulong)c.Connections, (ulong)c.InPackets, (ulong)c.OutPackets, (ulong)c.InBytes, (ulong)c.OutBytes,
            rates.ConnectionsPerSecond, rates.InPacketsPerSecond, rates.OutPacketsPerSecond, rates.InBytesPerSecond, rates.OutBytesPerSecond);
    }
}
