namespace LvsDirector.Control;

/// <summary>A virtual service as asked for by ipvsadm -A/-E.</summary>
/// <param name="Key">Which service.</param>
/// <param name="Scheduler">ipvsadm scheduler name, e.g. "wlc" (lvsadm fills in ipvsadm's default).</param>
/// <param name="PersistenceTimeout">Seconds for -p; null when the service is not persistent.</param>
/// <param name="Netmask">Persistence granularity (-M): dotted mask for IPv4, prefix length for IPv6; null means a single host.</param>
/// <param name="OnePacket">-o (one-packet scheduling, UDP only).</param>
/// <param name="SchedulerFlags">-b names: flag-1..3, sh-fallback, sh-port, mh-fallback, mh-port.</param>
/// <param name="PersistenceEngine">--pe name, e.g. "sip".</param>
public sealed record ControlServiceSpec(
    ControlServiceKey Key,
    string Scheduler,
    uint? PersistenceTimeout = null,
    string? Netmask = null,
    bool? OnePacket = null,
    IReadOnlyList<string>? SchedulerFlags = null,
    string? PersistenceEngine = null);
