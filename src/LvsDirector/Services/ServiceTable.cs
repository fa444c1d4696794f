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

            var added = new RealServer(svc, server.Address, address, address6, server.Port, server.Weight, server.Method);
            added.SetThresholds(server.UpperThreshold, server.LowerThreshold);
            added.TunnelType = server.TunnelType;
            added.TunnelPort = server.TunnelPort;
            RealServer[] updated = [.. servers, added];
            svc.Scheduler.Update(updated);
            svc.ServerArray = updated;
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
            var svc = FindLocked(service);
            if (svc is null)
            {
                return ServiceTableError.NoSuchService;
            }

            var servers = svc.ServerArray;
            var index = IndexOf(servers, server.Address, server.Port);
            if (index < 0)
            {
                return ServiceTableError.NoSuchDestination;
            }

            servers[index].Weight = server.Weight;
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
            var svc = FindLocked(service);
            if (svc is null)
            {
                return ServiceTableError.NoSuchService;
            }

            var servers = svc.ServerArray;
            var index = IndexOf(servers, address, port);
            if (index < 0)
            {
                return ServiceTableError.NoSuchDestination;
            }

            var removed = servers[index];
            var updated = servers.Where((_, i) => i != index).ToArray();
            svc.Scheduler.Update(updated);
            svc.ServerArray = updated;
            removed.IsRemoved = true;
            PublishLocked();
        }

        ServiceTableLog.RealServerDeleted(_logger, service, address, port);
        return ServiceTableError.None;
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

    private void PublishLocked() =>
        Volatile.Write(ref _current, new ServiceTableSnapshot(_current.Version + 1, [.. _services], _marks));
}
