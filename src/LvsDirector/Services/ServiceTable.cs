using System.Net;
using System.Net.Sockets;
using LvsDirector.Scheduling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Services;

/// <summary>
/// The control plane's view of virtual services and real servers. Changes are serialised under one lock
/// and published as an immutable snapshot that packet workers read without locking.
/// </summary>
public sealed class ServiceTable
{
    /// <summary>ipvsadm accepts weights 0..65535 (IPVS itself takes up to INT_MAX).</summary>
    public const int MaxWeight = 65535;

    /// <summary>Largest persistence timeout, INT_MAX / HZ with HZ = 1000 as the kernel bounds it.</summary>
    public const uint MaxTimeoutSeconds = int.MaxValue / 1000;

    private readonly Lock _gate = new();
    private readonly List<VirtualService> _services = [];
    private readonly ILogger _logger;
    private ServiceTableSnapshot _current = ServiceTableSnapshot.Empty;
    private FirewallMarkClassifier _marks = FirewallMarkClassifier.Empty;

    public ServiceTable(ILogger<ServiceTable>? logger = null)
    {
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// Runs under the table's lock with each new snapshot just before packet workers can see it, so what steers
    /// frames to workers is in place before the first frame to a new VIP arrives. Handlers must not throw.
    /// </summary>
    public event Action<ServiceTableSnapshot>? Publishing;

    /// <summary>The latest published snapshot; packet workers read this once per frame.</summary>
    public ServiceTableSnapshot Current => Volatile.Read(ref _current);

    /// <summary>The reason the last failed change gave, for control replies (e.g. "IPv6 is not supported yet").</summary>
    public static string Describe(ServiceTableError error) => error switch
    {
        ServiceTableError.None => "OK",
        ServiceTableError.ServiceExists => "Service already exists",
        ServiceTableError.NoSuchService => "No such service",
        ServiceTableError.DestinationExists => "Destination already exists",
        ServiceTableError.NoSuchDestination => "No such destination",
        ServiceTableError.UnknownScheduler => "Scheduler not found",
        ServiceTableError.InvalidArgument => "Invalid argument",
        ServiceTableError.ZeroPortNotPersistent => "Zero port specified for non-persistent service",
        ServiceTableError.ThresholdRange => "Lower threshold is higher than upper threshold",
        ServiceTableError.AddressFamilyMismatch => "Address families of the service and the real server (or the persistence mask) differ; IPv4 and IPv6 do not mix",
        _ => error.ToString(),
    };

    public ServiceTableError AddService(VirtualServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!TryValidateKey(spec.Key, out var address, out var address6))
        {
            return ServiceTableError.InvalidArgument;
        }

        if (ValidateOptions(spec, out var persistence) is var invalidOptions and not ServiceTableError.None)
        {
            return invalidOptions;
        }

        if (!spec.Key.IsFwmark && spec.Key.Port == 0 && persistence is null)
        {
            return ServiceTableError.ZeroPortNotPersistent;
        }

        if (!SchedulerRegistry.TryCreate(spec.Scheduler, spec.SchedulerFlags, out var scheduler))
        {
            return ServiceTableError.UnknownScheduler;
        }

        lock (_gate)
        {
            if (FindLocked(spec.Key) is not null)
            {
                return ServiceTableError.ServiceExists;
            }

            scheduler.Update([]);
            _services.Add(new VirtualService(spec.Key, address, address6, scheduler, spec.Interface) { Persistence = persistence, OnePacket = spec.OnePacket });
            PublishLocked();
        }

        ServiceTableLog.ServiceAdded(_logger, spec.Key, spec.Scheduler, persistence, spec.OnePacket);
        return ServiceTableError.None;
    }

    public ServiceTableError EditService(VirtualServiceSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (ValidateOptions(spec, out var persistence) is var invalidOptions and not ServiceTableError.None)
        {
            return invalidOptions;
        }

        if (!spec.Key.IsFwmark && spec.Key.Port == 0 && persistence is null)
        {
            return ServiceTableError.ZeroPortNotPersistent;
        }

        lock (_gate)
        {
            var service = FindLocked(spec.Key);
            if (service is null)
            {
                return ServiceTableError.NoSuchService;
            }

            if (!string.Equals(service.Scheduler.Name, spec.Scheduler, StringComparison.Ordinal)
                || service.Scheduler.Flags != spec.SchedulerFlags)
            {
                if (!SchedulerRegistry.TryCreate(spec.Scheduler, spec.SchedulerFlags, out var scheduler))
                {
                    return ServiceTableError.UnknownScheduler;
                }

                scheduler.Update(service.ServerArray);
                service.Scheduler = scheduler;
            }

            // ipvsadm -E replaces every attribute, as the kernel's ip_vs_edit_service does.
            service.Interface = spec.Interface ?? service.Interface;
            service.Persistence = persistence;
            service.OnePacket = spec.OnePacket;
            PublishLocked();
        }

        ServiceTableLog.ServiceEdited(_logger, spec.Key, spec.Scheduler, persistence, spec.OnePacket);
        return ServiceTableError.None;
    }

    public ServiceTableError DeleteService(ServiceKey key)
    {
        lock (_gate)
        {
            var service = FindLocked(key);
            if (service is null)
            {
                return ServiceTableError.NoSuchService;
            }

            _services.Remove(service);
            foreach (var server in service.ServerArray)
            {
                server.IsRemoved = true;
            }

            PublishLocked();
        }

        ServiceTableLog.ServiceDeleted(_logger, key);
        return ServiceTableError.None;
    }

    public ServiceTableError AddRealServer(ServiceKey service, RealServerSpec server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (ValidateServer(server, out var address, out var address6) is var invalid and not ServiceTableError.None)
        {
            return invalid;
        }

        lock (_gate)
        {
            var svc = FindLocked(service);
            if (svc is null)
            {
                return ServiceTableError.NoSuchService;
            }

            if (svc.IsIpv6 != IsIpv6(server.Address))
            {
                return ServiceTableError.AddressFamilyMismatch;
            }

            if (server.Port == 0 && !svc.IsFwmark && svc.Port != 0)
            {
                return ServiceTableError.InvalidArgument;
            }

            var servers = svc.ServerArray;
            if (IndexOf(servers, server.Address, server.Port) >= 0)
            {
                return ServiceTableError.DestinationExists;
            }

            var added = CreateServer(svc, server, address, address6, server.InitiallyDown, sorryServer: false);
            RealServer[] updated = [.. servers, added];
            svc.Scheduler.Update(updated);
            svc.ServerArray = updated;
            UpdateSorryServerLocked(svc);
            PublishLocked();
        }

        ServiceTableLog.RealServerAdded(_logger, service, server.Address, server.Port, server.Method, server.Weight);
        return ServiceTableError.None;
    }

    public ServiceTableError EditRealServer(ServiceKey service, RealServerSpec server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (ValidateServer(server, out _, out _) is var invalid and not ServiceTableError.None)
        {
            return invalid;
        }

        lock (_gate)
        {
            if (FindServerLocked(service, server.Address, server.Port, out var svc, out var index) is var missing and not ServiceTableError.None)
            {
                return missing;
            }

            var servers = svc.ServerArray;

            servers[index].SetConfiguredWeight(server.Weight);
            servers[index].Method = server.Method;
            servers[index].TunnelType = server.TunnelType;
            servers[index].TunnelPort = server.TunnelPort;
            servers[index].SetThresholds(server.UpperThreshold, server.LowerThreshold);
            svc.Scheduler.Update(servers);
            PublishLocked();
        }

        if (server.Weight == 0)
        {
            ServiceTableLog.RealServerQuiesced(_logger, service, server.Address, server.Port);
        }
        else
        {
            ServiceTableLog.RealServerEdited(_logger, service, server.Address, server.Port, server.Method, server.Weight);
        }

        return ServiceTableError.None;
    }

    public ServiceTableError DeleteRealServer(ServiceKey service, IPAddress address, ushort port)
    {
        ArgumentNullException.ThrowIfNull(address);
        lock (_gate)
        {
            if (FindServerLocked(service, address, port, out var svc, out var index) is var missing and not ServiceTableError.None)
            {
                return missing;
            }

            var servers = svc.ServerArray;
            var removed = servers[index];
            var updated = servers.Where((_, i) => i != index).ToArray();
            svc.Scheduler.Update(updated);
            svc.ServerArray = updated;
            removed.IsRemoved = true;
            UpdateSorryServerLocked(svc);
            PublishLocked();
        }

        ServiceTableLog.RealServerDeleted(_logger, service, address, port);
        return ServiceTableError.None;
    }

    /// <summary>
    /// Sets (or with null removes) the service's sorry server: added with weight 1 while no real server is up (every
    /// one down by its health check, or none at all), removed again as soon as one is up.
    /// </summary>
    public ServiceTableError SetSorryServer(ServiceKey service, RealServerSpec? sorryServer)
    {
        if (sorryServer is not null && ValidateServer(sorryServer, out _, out _) is var invalid and not ServiceTableError.None)
        {
            return invalid;
        }

        lock (_gate)
        {
            var svc = FindLocked(service);
            if (svc is null)
            {
                return ServiceTableError.NoSuchService;
            }

            if (sorryServer is not null && svc.IsIpv6 != IsIpv6(sorryServer.Address))
            {
                return ServiceTableError.AddressFamilyMismatch;
            }

            if (Equals(svc.SorryServer, sorryServer))
            {
                return ServiceTableError.None;
            }

            svc.SorryServer = sorryServer;
            UpdateSorryServerLocked(svc);
            PublishLocked();
        }

        return ServiceTableError.None;
    }

    /// <summary>
    /// Records a health transition: a down server keeps its configured weight but schedules as weight 0. Brings the
    /// sorry server in or out of service as needed.
    /// </summary>
    /// <param name="changed">True when the server's state actually changed.</param>
    public ServiceTableError SetServerHealth(ServiceKey service, IPAddress address, ushort port, bool up, out bool changed)
    {
        ArgumentNullException.ThrowIfNull(address);
        changed = false;
        lock (_gate)
        {
            if (FindServerLocked(service, address, port, out var svc, out var index) is var missing and not ServiceTableError.None)
            {
                return missing;
            }

            var servers = svc.ServerArray;
            if (servers[index].IsSorryServer)
            {
                return ServiceTableError.NoSuchDestination;
            }

            if (!servers[index].SetDown(!up))
            {
                return ServiceTableError.None;
            }

            changed = true;

            // Schedulers capture weights in Update; the new scheduling weight takes effect there.
            svc.Scheduler.Update(servers);
            UpdateSorryServerLocked(svc);
            PublishLocked();
        }

        return ServiceTableError.None;
    }

    /// <summary>Counts one health check result of a real server (for metrics); false when there is no such server.</summary>
    public bool CountHealthCheck(ServiceKey service, IPAddress address, ushort port, bool passed)
    {
        ArgumentNullException.ThrowIfNull(address);
        foreach (var svc in Current.Services)
        {
            if (!SameService(svc.Key, service))
            {
                continue;
            }

            var servers = svc.ServerArray;
            var index = IndexOf(servers, address, port);
            if (index >= 0 && !servers[index].IsSorryServer)
            {
                servers[index].CountHealthCheck(passed);
                return true;
            }
        }

        return false;
    }

    public void Clear()
    {
        lock (_gate)
        {
            foreach (var server in _services.SelectMany(s => s.ServerArray))
            {
                server.IsRemoved = true;
            }

            _services.Clear();
            PublishLocked();
        }

        ServiceTableLog.Cleared(_logger);
    }

    /// <summary>
    /// Replaces the firewall-mark rules (config file only: ipvsadm leaves marking to iptables). Rules apply in order,
    /// first match wins; frames are only classified while a firewall-mark service exists.
    /// </summary>
    public void SetFirewallMarks(IReadOnlyList<FirewallMarkRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var classifier = new FirewallMarkClassifier([.. rules]);
        lock (_gate)
        {
            _marks = classifier;
            PublishLocked();
        }

        ServiceTableLog.MarksSet(_logger, rules.Count);
    }

    /// <summary>ipvsadm -Z: zeroes the counters of every service and real server.</summary>
    public void ZeroCounters()
    {
        foreach (var service in Current.Services)
        {
            service.Stats.Reset();
            foreach (var server in service.ServerArray)
            {
                server.Stats.Reset();
            }
        }
    }

    internal static uint ToHostOrder(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private static bool TryValidateKey(ServiceKey key, out uint address, out UInt128 address6)
    {
        address = 0;
        address6 = UInt128.Zero;
        if (key.Address is null || key.Address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return false;
        }

        if (key.IsFwmark)
        {
            return true;
        }

        if (key.Address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // A scope id would make two keys for one VIP differ; link-local VIPs are not services.
            if (key.Address.ScopeId != 0 || key.Address.IsIPv6LinkLocal || key.Address.IsIPv4MappedToIPv6)
            {
                return false;
            }

            address6 = LvsDirector.Packets.Ipv6Address.FromIPAddress(key.Address);
        }
        else
        {
            address = ToHostOrder(key.Address);
        }

        return key.Protocol is ServiceProtocol.Tcp or ServiceProtocol.Udp;
    }

    private static bool IsIpv6(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6;

    private static ServiceTableError ValidateOptions(VirtualServiceSpec spec, out PersistenceSettings? persistence)
    {
        persistence = null;
        var ipv6 = spec.Key.IsIpv6;
        var mask = PersistenceSettings.HostMask;
        if (spec.PersistenceNetmask is { } netmask)
        {
            if (ipv6)
            {
                return ServiceTableError.AddressFamilyMismatch;
            }

            if (netmask.AddressFamily != AddressFamily.InterNetwork)
            {
                return ServiceTableError.InvalidArgument;
            }

            mask = ToHostOrder(netmask);
        }

        var prefix = PersistenceSettings.HostPrefixLength;
        if (spec.PersistencePrefixLength is { } prefixLength)
        {
            if (!ipv6)
            {
                return ServiceTableError.AddressFamilyMismatch;
            }

            if (prefixLength is < 1 or > PersistenceSettings.HostPrefixLength)
            {
                return ServiceTableError.InvalidArgument;
            }

            prefix = prefixLength;
        }

        if (spec.PersistenceTimeoutSeconds is { } timeout)
        {
            // The kernel keeps the timeout in jiffies of an int: at most INT_MAX / HZ seconds.
            if (timeout is 0 or > MaxTimeoutSeconds)
            {
                return ServiceTableError.InvalidArgument;
            }

            persistence = new PersistenceSettings(timeout, mask) { Ipv6PrefixLength = prefix };
        }

        return ServiceTableError.None;
    }

    // NAT, direct routing and IPIP/GUE tunnelling are all forwarded. GUE needs its UDP port (ipvsadm refuses
    // --tun-type gue without --tun-port too).
    private static ServiceTableError ValidateServer(RealServerSpec server, out uint address, out UInt128 address6)
    {
        address = 0;
        address6 = UInt128.Zero;
        if (server.Address is null
            || server.Address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || (IsIpv6(server.Address) && (server.Address.ScopeId != 0 || server.Address.IsIPv4MappedToIPv6))
            || server.Weight is < 0 or > MaxWeight
            || !Enum.IsDefined(server.Method)
            || (server.Method == ForwardingMethod.Tunnel && server.TunnelType == TunnelType.Gue && server.TunnelPort == 0))
        {
            return ServiceTableError.InvalidArgument;
        }

        if (server.LowerThreshold > server.UpperThreshold)
        {
            return ServiceTableError.ThresholdRange;
        }

        if (IsIpv6(server.Address))
        {
            address6 = LvsDirector.Packets.Ipv6Address.FromIPAddress(server.Address);
        }
        else
        {
            address = ToHostOrder(server.Address);
        }

        return ServiceTableError.None;
    }

    private static RealServer CreateServer(VirtualService svc, RealServerSpec spec, uint address, UInt128 address6, bool down, bool sorryServer)
    {
        var server = new RealServer(svc, spec.Address, address, address6, spec.Port, spec.Weight, spec.Method, down, sorryServer);
        server.SetThresholds(spec.UpperThreshold, spec.LowerThreshold);
        server.TunnelType = spec.TunnelType;
        server.TunnelPort = spec.TunnelPort;
        return server;
    }

    // keepalived's rule: the sorry server serves while no real server is alive. A quiescent (weight 0) server that
    // passes its checks is alive, so it keeps the sorry server out, as it does in keepalived.
    private void UpdateSorryServerLocked(VirtualService svc)
    {
        var servers = svc.ServerArray;
        var current = Array.Find(servers, s => s.IsSorryServer);
        var wanted = svc.SorryServer;
        var inUse = wanted is not null && !Array.Exists(servers, s => !s.IsSorryServer && !s.IsDown);
        if (current is not null && (!inUse || !SameSorryServer(current, wanted!)))
        {
            servers = Array.FindAll(servers, s => !ReferenceEquals(s, current));
            current.IsRemoved = true;
            svc.Scheduler.Update(servers);
            svc.ServerArray = servers;
            SorryServerLog.OutOfService(_logger, svc.Key, current.IPAddress, current.Port);
            current = null;
        }

        if (inUse && current is null && IndexOf(servers, wanted!.Address, wanted.Port) < 0)
        {
            ValidateServer(wanted, out var address, out var address6);
            var added = CreateServer(svc, wanted, address, address6, down: false, sorryServer: true);
            RealServer[] updated = [.. servers, added];
            svc.Scheduler.Update(updated);
            svc.ServerArray = updated;
            SorryServerLog.InService(_logger, svc.Key, wanted.Address, wanted.Port);
        }
    }

    private static bool SameSorryServer(RealServer live, RealServerSpec spec) =>
        live.Port == spec.Port && live.IPAddress.Equals(spec.Address) && live.Method == spec.Method && live.ConfiguredWeight == spec.Weight
        && live.TunnelType == spec.TunnelType && live.TunnelPort == spec.TunnelPort;

    private static int IndexOf(RealServer[] servers, IPAddress address, ushort port)
    {
        for (var i = 0; i < servers.Length; i++)
        {
            if (servers[i].Port == port && servers[i].IPAddress.Equals(address))
            {
                return i;
            }
        }

        return -1;
    }

    private ServiceTableError FindServerLocked(ServiceKey service, IPAddress address, ushort port, out VirtualService svc, out int index)
    {
        index = -1;
        svc = FindLocked(service)!;
        if (svc is null)
        {
            return ServiceTableError.NoSuchService;
        }

        index = IndexOf(svc.ServerArray, address, port);
        return index < 0 ? ServiceTableError.NoSuchDestination : ServiceTableError.None;
    }

    private VirtualService? FindLocked(ServiceKey key)
    {
        foreach (var service in _services)
        {
            if (SameService(service.Key, key))
            {
                return service;
            }
        }

        return null;
    }

    /// <summary>Whether two keys name one service: the same mark and family, or the same protocol, address and port.</summary>
    public static bool SameService(ServiceKey a, ServiceKey b) =>
        a.IsFwmark || b.IsFwmark
            ? a.Fwmark == b.Fwmark && a.IsIpv6 == b.IsIpv6
            : a.Protocol == b.Protocol && a.Port == b.Port && Equals(a.Address, b.Address);

    private void PublishLocked()
    {
        var next = new ServiceTableSnapshot(_current.Version + 1, [.. _services], _marks);
        Publishing?.Invoke(next);
        Volatile.Write(ref _current, next);
    }
}
