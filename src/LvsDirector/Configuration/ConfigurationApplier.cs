using System.Net;
using LvsDirector.Connections;
using LvsDirector.DataPath;
using LvsDirector.Health;
using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>Turns a loaded configuration into director settings and service table entries.</summary>
public static class ConfigurationApplier
{
    public static DirectorSettings ToSettings(DirectorConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new DirectorSettings
        {
            Interfaces = configuration.Interfaces.Select(i => i.Name).ToArray(),
            ConnectionTableSize = configuration.Connections.TableSize,
            NeighborTimeout = configuration.Neighbors.ArpTimeout,
            DisableOffloads = configuration.Offloads.Disable,
            Workers = configuration.DataPath.Workers,
            WorkerCpus = configuration.DataPath.Cpus,
            KernelIngressDrop = configuration.KernelBypass.IngressDrop,
            Timeouts = ConnectionTimeouts.Default with
            {
                Established = configuration.Connections.TcpTimeout,
                FinWait = configuration.Connections.TcpFinTimeout,
                Udp = configuration.Connections.UdpTimeout,
            },
            Options = new PacketWorkerOptions
            {
                SloppyTcp = configuration.Connections.SloppyTcp,
                ExpireNodestConn = configuration.Connections.ExpireNodestConn,
                ExpireQuiescentTemplate = configuration.Connections.ExpireQuiescentTemplate,
                OnePacketReplySeconds = (uint)Math.Max(1, configuration.Connections.OnePacketReplyTimeout.TotalSeconds),
            },
        };
    }

    public static VirtualServiceSpec ToSpec(VirtualServiceConfiguration service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return new VirtualServiceSpec(service.Key, service.Scheduler, service.Interface)
        {
            PersistenceTimeoutSeconds = service.Persistence is { } p ? (uint)Math.Max(1, p.Timeout.TotalSeconds) : null,
            PersistenceNetmask = service.IsIpv6 ? null : service.Persistence?.Netmask,
            PersistencePrefixLength = service.IsIpv6 ? service.Persistence?.PrefixLength : null,
            OnePacket = service.OnePacket,
            SchedulerFlags = service.SchedulerFlags,
        };
    }

    public static RealServerSpec ToSpec(RealServerConfiguration server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new RealServerSpec(server.Address, server.Port, server.Weight, server.Method)
        {
            UpperThreshold = server.UpperThreshold,
            LowerThreshold = server.LowerThreshold,
            TunnelType = server.TunnelType,
            TunnelPort = server.TunnelPort,
            InitiallyDown = server.HealthCheck is { InitiallyUp: false },
        };
    }

    /// <summary>Every configured real server with its health check (null: none), for <see cref="HealthSupervisor.Apply"/>.</summary>
    public static IReadOnlyList<HealthCheckAssignment> HealthChecks(DirectorConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return
        [
            .. configuration.Services.SelectMany(service => service.RealServers.Select(server => new HealthCheckAssignment(
                service.Key,
                server.Address,
                server.Port,
                server.HealthCheck is { } check ? new HealthCheckTarget(server.Address, check.PortFor(server.Port, service.Port), check) : null))),
        ];
    }

    /// <summary>
    /// Sets the firewall-mark rules, then adds every service, then its real servers, to <paramref name="table"/>. A refused service skips its real
    /// servers (they could only fail with NoSuchService) and the rest carries on, so one call reports everything.
    /// </summary>
    /// <returns>Every refusal, in configuration order; empty when everything was added.</returns>
    public static IReadOnlyList<ConfigurationApplyFailure> ApplyServices(DirectorConfiguration configuration, ServiceTable table)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(table);
        table.SetFirewallMarks(configuration.FirewallMarks);
        var failures = ApplyServices(configuration, table.AddService, table.AddRealServer);
        var result = failures.ToList();
        foreach (var service in configuration.Services.Where(s => s.SorryServer is not null))
        {
            var error = table.SetSorryServer(service.Key, ToSpec(service.SorryServer!));
            if (error is not (ServiceTableError.None or ServiceTableError.NoSuchService))
            {
                result.Add(new ConfigurationApplyFailure(service.Key, new IPEndPoint(service.SorryServer!.Address, service.SorryServer.Port), error));
            }
        }

        return result;
    }

    // Split out so the ordering and failure rules are testable without a real service table.
    internal static IReadOnlyList<ConfigurationApplyFailure> ApplyServices(
        DirectorConfiguration configuration,
        Func<VirtualServiceSpec, ServiceTableError> addService,
        Func<ServiceKey, RealServerSpec, ServiceTableError> addRealServer)
    {
        var failures = new List<ConfigurationApplyFailure>();
        foreach (var service in configuration.Services)
        {
            var error = addService(ToSpec(service));
            if (error != ServiceTableError.None)
            {
                failures.Add(new ConfigurationApplyFailure(service.Key, null, error));
                continue;
            }

            foreach (var server in service.RealServers)
            {
                error = addRealServer(service.Key, ToSpec(server));
                if (error != ServiceTableError.None)
                {
                    failures.Add(new ConfigurationApplyFailure(service.Key, new IPEndPoint(server.Address, server.Port), error));
                }
            }
        }

        return failures;
    }
}
