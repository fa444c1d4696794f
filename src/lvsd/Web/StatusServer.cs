namespace LvsDirector.Daemon.Web;

/// <summary>
/// One real server row of the status page; Health is "up", "quiescent" or "down" (held down by its health check);
/// SorryServer marks the service's sorry server, listed only while every real server is down.
/// </summary>
internal sealed record StatusServer(
    string Address,
    int Port,
    string Method,
    int Weight,
    string Health,
    bool Overloaded,
    int ActiveConnections,
    int InactiveConnections,
    int PersistentConnections,
    long Connections,
    ulong Cps,
    ulong InPps,
    ulong OutPps,
    bool SorryServer = false);
