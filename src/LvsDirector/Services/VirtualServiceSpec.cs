using System.Net;

namespace LvsDirector.Services;

/// <summary>What an operator asks for with ipvsadm -A/-E or a config file service entry.</summary>
/// <param name="Key">Protocol, VIP and port, or a firewall mark.</param>
/// <param name="Scheduler">ipvsadm scheduler name, e.g. "rr" or "wrr".</param>
/// <param name="Interface">Interface that announces the VIP; null picks the one whose subnet holds it, else the first.</param>
public sealed record VirtualServiceSpec(ServiceKey Key, string Scheduler, string? Interface = null)
{
    /// <summary>ipvsadm -p: seconds a client sticks to its real server; null for a non-persistent service.</summary>
    public uint? PersistenceTimeoutSeconds { get; init; }

    /// <summary>ipvsadm -M for an IPv4 service: mask grouping clients for persistence; null means 255.255.255.255.</summary>
    public IPAddress? PersistenceNetmask { get; init; }

    /// <summary>ipvsadm -M for an IPv6 service: prefix length (1..128) grouping clients for persistence; null means 128.</summary>
    public int? PersistencePrefixLength { get; init; }

    /// <summary>ipvsadm -o / --ops: schedule every UDP datagram on its own.</summary>
    public bool OnePacket { get; init; }

    /// <summary>ipvsadm -b: sh-fallback, sh-port, mh-fallback, mh-port (flag-1..3).</summary>
    public LvsDirector.Scheduling.SchedulerFlags SchedulerFlags { get; init; }
}
