namespace LvsDirector.Daemon.Web;

/// <summary>
/// What /status.json returns: every virtual service with its real servers, at one moment, and the VRRP state
/// ("VR 51 on eth0: MASTER") when lvsd runs a VRRP instance, else null, and each packet worker's counters.
/// </summary>
internal sealed record StatusDocument(
    string Version, DateTimeOffset Time, long TableVersion, IReadOnlyList<StatusService> Services, string? Vrrp = null,
    IReadOnlyList<StatusWorker>? Workers = null);
