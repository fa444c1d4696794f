using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>
/// One virtual service of the config file, the equivalent of ipvsadm -A plus its -a lines. A firewall-mark service
/// (<see cref="Fwmark"/> not 0) has Protocol tcp, Address 0.0.0.0 and Port 0 as placeholders.
/// </summary>
public sealed record VirtualServiceConfiguration
{
    public const string DefaultScheduler = "wlc";

    public required ServiceProtocol Protocol { get; init; }

    public required IPAddress Address { get; init; }

    public required ushort Port { get; init; }

    /// <summary>ipvsadm scheduler name; "wlc" when absent, as ipvsadm does.</summary>
    public string Scheduler { get; init; } = DefaultScheduler;

    /// <summary>Interface that announces the VIP; null lets the director pick (subnet match, else first interface).</summary>
    public string? Interface { get; init; }

    /// <summary>Persistence (ipvsadm -p, -M); null for a non-persistent service.</summary>
    public PersistenceConfiguration? Persistence { get; init; }

    /// <summary>ipvsadm -f: the firewall mark this service takes; 0 for an address service.</summary>
    public uint Fwmark { get; init; }

    /// <summary>ipvsadm -o / --ops: schedule every UDP datagram on its own.</summary>
    public bool OnePacket { get; init; }

    /// <summary>ipvsadm -b: sh-fallback, sh-port, mh-fallback, mh-port, flag-1..3.</summary>
    public LvsDirector.Scheduling.SchedulerFlags SchedulerFlags { get; init; }

    public IReadOnlyList<RealServerConfiguration> RealServers { get; init; } = [];

    public ServiceKey Key => Fwmark != 0 ? ServiceKey.ForFwmark(Fwmark) : new(Protocol, Address, Port);
}
