namespace LvsDirector.Daemon.Web;

/// <summary>One virtual service row of the status page.</summary>
internal sealed record StatusService(
    string Name,
    string Protocol,
    string Vip,
    int Port,
    uint Fwmark,
    string Scheduler,
    long Connections,
    int ActiveConnections,
    int InactiveConnections,
    ulong Cps,
    ulong InPps,
    ulong OutPps,
    ulong InBps,
    ulong OutBps,
    IReadOnlyList<StatusServer> Servers);
