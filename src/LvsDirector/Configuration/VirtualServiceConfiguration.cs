using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>One virtual service of the config file, the equivalent of ipvsadm -A plus its -a lines.</summary>
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

    /// <summary>Persistence (ipvsadm -p); parsed and validated but not applied by the director yet.</summary>
    public PersistenceConfiguration? Persistence { get; init; }

    public IReadOnlyList<RealServerConfiguration> RealServers { get; init; } = [];

    public ServiceKey Key => new(Protocol, Address, Port);
}
