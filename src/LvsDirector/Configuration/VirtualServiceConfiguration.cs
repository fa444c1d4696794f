using System.Net;
using LvsDirector.Health;
using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>
/// One virtual service of the config file, the equivalent of ipvsadm -A plus its -a lines. A firewall-mark service
/// (<see cref="Fwmark"/> not 0) has Protocol tcp and Port 0 as placeholders, and Address 0.0.0.0 (an IPv4 mark) or
/// :: (an IPv6 mark, ipvsadm -f MARK -6).
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

    /// <summary>The service's health_check block, the default of its real servers (each has its resolved check); null for none.</summary>
    public HealthCheckSettings? HealthCheck { get; init; }

    /// <summary>sorry_server: used (weight 1) only while no real server is up; null for none.</summary>
    public RealServerConfiguration? SorryServer { get; init; }

    /// <summary>True for an IPv6 VIP or an IPv6 firewall-mark service.</summary>
    public bool IsIpv6 => Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    public ServiceKey Key => Fwmark != 0 ? ServiceKey.ForFwmark(Fwmark, IsIpv6) : new(Protocol, Address, Port);
}
