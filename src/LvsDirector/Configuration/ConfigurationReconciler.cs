using System.Buffers.Binary;
using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>
/// Applies a re-read configuration file to a running service table by difference only, so unchanged services keep
/// their scheduler state and unchanged or edited real servers keep their object, counters and connections.
/// The file is the source of truth for what it lists; services and real servers added with lvsadm and never listed
/// in the file are left alone (keepalived does the same with what it did not create).
/// </summary>
public sealed class ConfigurationReconciler
{
    private readonly Lock _gate = new();
    private readonly ServiceTable _table;
    private readonly TimeProvider _time;
    private readonly List<DrainingServer> _draining = [];
    private DirectorConfiguration _applied;

    /// <param name="table">The live table.</param>
    /// <param name="applied">The configuration the table was loaded from at start-up.</param>
    /// <param name="time">Clock for drain deadlines.</param>
    public ConfigurationReconciler(ServiceTable table, DirectorConfiguration applied, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(applied);
        ArgumentNullException.ThrowIfNull(time);
        _table = table;
        _applied = applied;
        _time = time;
    }

    /// <summary>What the table was last made to match (start-up-only sections stay those lvsd runs with).</summary>
    public DirectorConfiguration Applied
    {
        get
        {
            lock (_gate)
            {
                return _applied;
            }
        }
    }

    /// <summary>Servers quiesced by a reload and not yet deleted.</summary>
    public IReadOnlyList<DrainingServer> Draining
    {
        get
        {
            lock (_gate)
            {
                return [.. _draining];
            }
        }
    }

    /// <summary>Applies <paramref name="loaded"/>, or refuses it with every error when it did not load.</summary>
    public ReloadResult Reload(ConfigurationLoadResult loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        return loaded.Succeeded
            ? Apply(loaded.Configuration)
            : ReloadResult.Refused([.. loaded.Errors.Select(e => e.ToString())]);
    }

    /// <summary>Makes the table match <paramref name="next"/> for everything the file lists; see the class remarks.</summary>
    public ReloadResult Apply(DirectorConfiguration next)
    {
        ArgumentNullException.ThrowIfNull(next);

        // Validate on a scratch table first: a file the table would refuse any part of changes nothing.
        var failures = ConfigurationApplier.ApplyServices(next, new ServiceTable());
        if (failures.Count > 0)
        {
            return ReloadResult.Refused([.. failures.Select(f => f.ToString())]);
        }

        lock (_gate)
        {
            var changes = new List<string>();
            var errors = new List<string>();
            var warnings = RestartWarnings(_applied, next);

            if (!SameRules(_applied.FirewallMarks, next.FirewallMarks))
            {
                _table.SetFirewallMarks(next.FirewallMarks);
                changes.Add($"firewall_marks replaced: {next.FirewallMarks.Count} rule(s)");
            }

            RemoveServices(next, changes, errors);
            foreach (var service in next.Services)
            {
                ApplyService(service, changes, errors);
            }

            _applied = _applied with { Services = next.Services, FirewallMarks = next.FirewallMarks, Reload = next.Reload };
            changes.AddRange(ProcessDrainsLocked());
            return new ReloadResult(errors.Count == 0, changes, warnings, errors);
        }
    }

    /// <summary>Deletes draining servers that have no connections left or whose deadline passed; call periodically.</summary>
    /// <returns>One line per server deleted.</returns>
    public IReadOnlyList<string> ProcessDrains()
    {
        lock (_gate)
        {
            return ProcessDrainsLocked();
        }
    }

    private List<string> ProcessDrainsLocked()
    {
        var done = new List<string>();
        var now = _time.GetUtcNow();
        for (var i = _draining.Count - 1; i >= 0; i--)
        {
            var drain = _draining[i];
            var server = drain.Server;
            if (server.IsRemoved || server.ConfiguredWeight != 0)
            {
                // Deleted by lvsadm, or given weight again: no longer ours to finish.
                _draining.RemoveAt(i);
                continue;
            }

            var idle = server.ActiveConnections + server.InactiveConnections == 0;
            if (!idle && now < drain.Deadline)
            {
                continue;
            }

            _draining.RemoveAt(i);
            if (_table.DeleteRealServer(drain.Service, server.IPAddress, server.Port) == ServiceTableError.None)
            {
                done.Add(idle
                    ? $"real server {Endpoint(server)} of service {drain.Service} drained and removed"
                    : $"real server {Endpoint(server)} of service {drain.Service} removed at drain timeout with {server.ActiveConnections + server.InactiveConnections} connection(s) left");
            }
        }

        done.Reverse();
        return done;
    }

    private void RemoveServices(DirectorConfiguration next, List<string> changes, List<string> errors)
    {
        foreach (var old in _applied.Services)
        {
            var kept = next.Services.FirstOrDefault(s => ServiceTable.SameService(s.Key, old.Key));
            if (kept is null)
            {
                if (FindLive(old.Key) is not null)
                {
                    Record(_table.DeleteService(old.Key), $"service {old.Key} removed", changes, errors);
                }

                _draining.RemoveAll(d => ServiceTable.SameService(d.Service, old.Key));
                continue;
            }

            foreach (var oldServer in old.RealServers)
            {
                if (kept.RealServers.Any(s => SameServer(s, oldServer)))
                {
                    continue;
                }

                var live = FindLive(old.Key)?.Servers.FirstOrDefault(s => !s.IsSorryServer && SameServer(s, oldServer));
                if (live is null)
                {
                    continue;
                }

                if (next.Reload.RemovedServer == RemovedServerPolicy.Delete)
                {
                    Record(_table.DeleteRealServer(old.Key, live.IPAddress, live.Port),
                        $"real server {Endpoint(live)} of service {old.Key} removed", changes, errors);
                    continue;
                }

                var quiesce = new RealServerSpec(live.IPAddress, live.Port, 0, live.Method)
                {
                    UpperThreshold = live.UpperThreshold,
                    LowerThreshold = live.LowerThreshold,
                    TunnelType = live.TunnelType,
                    TunnelPort = live.TunnelPort,
                };
                if (Record(_table.EditRealServer(old.Key, quiesce),
                    $"real server {Endpoint(live)} of service {old.Key} draining (weight 0, deleted when idle or after {next.Reload.DrainTimeout.TotalSeconds:0}s)", changes, errors))
                {
                    _draining.RemoveAll(d => ReferenceEquals(d.Server, live));
                    _draining.Add(new DrainingServer(old.Key, live, _time.GetUtcNow() + next.Reload.DrainTimeout));
                }
            }
        }
    }

    private void ApplyService(VirtualServiceConfiguration service, List<string> changes, List<string> errors)
    {
        var spec = ConfigurationApplier.ToSpec(service);
        var live = FindLive(service.Key);
        if (live is null)
        {
            if (Record(_table.AddService(spec), $"service {service.Key} added: scheduler {service.Scheduler}, {service.RealServers.Count} real server(s)", changes, errors))
            {
                foreach (var server in service.RealServers)
                {
                    Record(_table.AddRealServer(service.Key, ConfigurationApplier.ToSpec(server)), $"real server {Endpoint(server)} of service {service.Key} added", changes, errors);
                }

                ApplySorryServer(service, null, changes, errors);
            }

            return;
        }

        var differences = ServiceDifferences(live, spec);
        if (differences.Count > 0)
        {
            Record(_table.EditService(spec), $"service {service.Key} edited: {string.Join(", ", differences)}", changes, errors);
        }

        foreach (var server in service.RealServers)
        {
            var serverSpec = ConfigurationApplier.ToSpec(server);
            var liveServer = live.Servers.FirstOrDefault(s => !s.IsSorryServer && SameServer(server, s));
            if (liveServer is null)
            {
                Record(_table.AddRealServer(service.Key, serverSpec), $"real server {Endpoint(server)} of service {service.Key} added: weight {server.Weight}", changes, errors);
                continue;
            }

            var serverDifferences = ServerDifferences(liveServer, serverSpec);
            if (serverDifferences.Count > 0
                && Record(_table.EditRealServer(service.Key, serverSpec), $"real server {Endpoint(server)} of service {service.Key} edited: {string.Join(", ", serverDifferences)}", changes, errors))
            {
                // Listed again: a drain in progress is called off.
                _draining.RemoveAll(d => ReferenceEquals(d.Server, liveServer));
            }
        }

        ApplySorryServer(service, live.SorryServer, changes, errors);
    }

    private void ApplySorryServer(VirtualServiceConfiguration service, RealServerSpec? live, List<string> changes, List<string> errors)
    {
        var wanted = service.SorryServer is { } sorry ? ConfigurationApplier.ToSpec(sorry) : null;
        if (Equals(live, wanted))
        {
            return;
        }

        var text = wanted is null ? "removed" : $"set to {new IPEndPoint(wanted.Address, wanted.Port)}";
        Record(_table.SetSorryServer(service.Key, wanted), $"sorry server of service {service.Key} {text}", changes, errors);
    }

    private static List<string> ServiceDifferences(VirtualService live, VirtualServiceSpec spec)
    {
        var result = new List<string>();
        if (!string.Equals(live.Scheduler.Name, spec.Scheduler, StringComparison.Ordinal))
        {
            result.Add($"scheduler {live.Scheduler.Name} -> {spec.Scheduler}");
        }

        if (live.Scheduler.Flags != spec.SchedulerFlags)
        {
            result.Add($"scheduler flags {live.Scheduler.Flags} -> {spec.SchedulerFlags}");
        }

        var persistence = spec.PersistenceTimeoutSeconds is { } timeout
            ? new PersistenceSettings(timeout, spec.PersistenceNetmask is { } mask ? BinaryPrimitives.ReadUInt32BigEndian(mask.GetAddressBytes()) : PersistenceSettings.HostMask)
            {
                Ipv6PrefixLength = spec.PersistencePrefixLength ?? PersistenceSettings.HostPrefixLength,
            }
            : null;
        if (live.Persistence != persistence)
        {
            result.Add($"persistence {Text(live.Persistence)} -> {Text(persistence)}");
        }

        if (live.OnePacket != spec.OnePacket)
        {
            result.Add($"one_packet {live.OnePacket} -> {spec.OnePacket}");
        }

        if (spec.Interface is not null && !string.Equals(live.Interface, spec.Interface, StringComparison.Ordinal))
        {
            result.Add($"interface {live.Interface ?? "(automatic)"} -> {spec.Interface}");
        }

        return result;

        static string Text(PersistenceSettings? p) => p?.ToString() ?? "none";
    }

    private static List<string> ServerDifferences(RealServer live, RealServerSpec spec)
    {
        var result = new List<string>();
        if (live.ConfiguredWeight != spec.Weight)
        {
            result.Add($"weight {live.ConfiguredWeight} -> {spec.Weight}");
        }

        if (live.Method != spec.Method)
        {
            result.Add($"method {live.Method} -> {spec.Method}");
        }

        if (live.UpperThreshold != spec.UpperThreshold || live.LowerThreshold != spec.LowerThreshold)
        {
            result.Add($"thresholds {live.UpperThreshold}/{live.LowerThreshold} -> {spec.UpperThreshold}/{spec.LowerThreshold}");
        }

        if (live.TunnelType != spec.TunnelType || live.TunnelPort != spec.TunnelPort)
        {
            result.Add($"tunnel {live.TunnelType}:{live.TunnelPort} -> {spec.TunnelType}:{spec.TunnelPort}");
        }

        return result;
    }

    private static List<string> RestartWarnings(DirectorConfiguration running, DirectorConfiguration next)
    {
        var result = new List<string>();
        var runningInterfaces = string.Join(", ", running.Interfaces.Select(i => i.Name));
        var nextInterfaces = string.Join(", ", next.Interfaces.Select(i => i.Name));
        if (!string.Equals(runningInterfaces, nextInterfaces, StringComparison.Ordinal))
        {
            result.Add($"interfaces changed ({runningInterfaces} -> {nextInterfaces}): needs restart");
        }
        else
        {
            // The data path reads interface addresses when it opens its links.
            foreach (var (before, after) in running.Interfaces.Zip(next.Interfaces))
            {
                if (!before.Addresses.SequenceEqual(after.Addresses))
                {
                    result.Add($"interfaces: addresses of {after.Name} changed ({string.Join(", ", before.Addresses)} -> {string.Join(", ", after.Addresses)}): needs restart");
                }
            }
        }

        if (running.Socket != next.Socket)
        {
            result.Add($"socket changed ({running.Socket.Path} -> {next.Socket.Path}): needs restart");
        }

        if (running.Connections.TableSize != next.Connections.TableSize)
        {
            result.Add($"connections.table_size changed ({running.Connections.TableSize} -> {next.Connections.TableSize}): needs restart");
        }

        if (running.Connections with { TableSize = 0 } != next.Connections with { TableSize = 0 })
        {
            result.Add("connections settings changed: needs restart");
        }

        if (running.Logging != next.Logging)
        {
            result.Add("logging changed: needs restart");
        }

        if (running.Neighbors != next.Neighbors)
        {
            result.Add("neighbors changed: needs restart");
        }

        if (running.Offloads != next.Offloads)
        {
            result.Add("offloads changed: needs restart");
        }

        if (!running.DataPath.SameAs(next.DataPath))
        {
            result.Add("data_path changed (workers, cpus): needs restart");
        }

        if (running.KernelBypass != next.KernelBypass)
        {
            result.Add("kernel_bypass changed: needs restart");
        }

        // The metrics listener is bound once at start-up; rebinding it on reload could fail half way and leave the
        // operator with no endpoint at all.
        if (running.Metrics != next.Metrics)
        {
            result.Add($"metrics changed ({Describe(running.Metrics)} -> {Describe(next.Metrics)}): needs restart");
        }

        // The VRRP instance holds its socket and its place in the election; changing it under a running pair
        // could make both directors master for a moment, so it waits for a restart the operator chooses.
        if (running.Vrrp != next.Vrrp)
        {
            result.Add("vrrp changed: needs restart");
        }

        return result;
    }

    private static string Describe(MetricsConfiguration? metrics) =>
        metrics is null ? "off" : $"{metrics.Listen}{metrics.Path}";

    private static bool SameRules(IReadOnlyList<FirewallMarkRule> a, IReadOnlyList<FirewallMarkRule> b) =>
        a.Select(r => r.ToString()).SequenceEqual(b.Select(r => r.ToString()), StringComparer.Ordinal);

    private VirtualService? FindLive(ServiceKey key) =>
        _table.Current.Services.FirstOrDefault(s => ServiceTable.SameService(s.Key, key));

    private static bool SameServer(RealServerConfiguration a, RealServerConfiguration b) =>
        a.Port == b.Port && a.Address.Equals(b.Address);

    private static bool SameServer(RealServerConfiguration a, RealServer b) =>
        a.Port == b.Port && a.Address.Equals(b.IPAddress);

    private static bool SameServer(RealServer a, RealServerConfiguration b) => SameServer(b, a);

    private static string Endpoint(RealServer server) => new IPEndPoint(server.IPAddress, server.Port).ToString();

    private static string Endpoint(RealServerConfiguration server) => new IPEndPoint(server.Address, server.Port).ToString();

    private static bool Record(ServiceTableError error, string change, List<string> changes, List<string> errors)
    {
        if (error == ServiceTableError.None)
        {
            changes.Add(change);
            return true;
        }

        errors.Add($"not applied ({ServiceTable.Describe(error)}): {change}");
        return false;
    }
}
