namespace LvsDirector.Control;

/// <summary>One virtual service in a listing.</summary>
/// <param name="Key">Protocol, address, port (or fwmark).</param>
/// <param name="Scheduler">Scheduler name.</param>
/// <param name="Flags">IP_VS_SVC_F_* flags: persistent, one-packet, scheduler flags.</param>
/// <param name="PersistenceTimeout">Seconds; meaningful when <see cref="ServiceAttributes.Persistent"/> is set.</param>
/// <param name="Netmask">Persistence mask: dotted for IPv4, prefix length for IPv6; null for a single host.</param>
/// <param name="PersistenceEngine">Persistence engine name, null if none.</param>
/// <param name="Servers">Real servers in any order.</param>
/// <param name="Stats">Counters and rates of the service.</param>
public sealed record ServiceEntry(
    ControlServiceKey Key,
    string Scheduler,
    ServiceAttributes Flags,
    uint PersistenceTimeout,
    string? Netmask,
    string? PersistenceEngine,
    IReadOnlyList<ServerEntry> Servers,
    TrafficStats Stats);
