namespace LvsDirector.EndToEnd;

/// <summary>One "  -> RemoteAddress:Port Forward Weight ActiveConn InActConn" row of `lvsadm -L -n`.</summary>
public sealed record IpvsDestination(string Address, string Forward, int Weight, long ActiveConnections, long InactiveConnections, string Line)
{
    public long TotalConnections => ActiveConnections + InactiveConnections;
}
