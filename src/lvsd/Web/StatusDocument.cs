namespace LvsDirector.Daemon.Web;

/// <summary>What /status.json returns: every virtual service with its real servers, at one moment.</summary>
internal sealed record StatusDocument(string Version, DateTimeOffset Time, long TableVersion, IReadOnlyList<StatusService> Services);
