using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>The whole lvsd configuration file, validated; every section has the documented defaults when absent.</summary>
public sealed record DirectorConfiguration
{
    /// <summary>Interfaces lvsd captures on, in file order; never empty once loaded.</summary>
    public required IReadOnlyList<InterfaceConfiguration> Interfaces { get; init; }

    public SocketConfiguration Socket { get; init; } = new();

    public LoggingConfiguration Logging { get; init; } = new();

    public ConnectionsConfiguration Connections { get; init; } = new();

    public NeighborsConfiguration Neighbors { get; init; } = new();

    public OffloadsConfiguration Offloads { get; init; } = new();

    public DataPathConfiguration DataPath { get; init; } = new();

    public KernelBypassConfiguration KernelBypass { get; init; } = new();

    /// <summary>Prometheus endpoint and status page; null (the default) means off.</summary>
    public MetricsConfiguration? Metrics { get; init; }

    /// <summary>VRRP failover with a peer director; null (the default) means this director always owns its VIPs.</summary>
    public VrrpConfiguration? Vrrp { get; init; }

    /// <summary>What a reload does with real servers removed from the file.</summary>
    public ReloadConfiguration Reload { get; init; } = new();

    /// <summary>Rules computing firewall marks for -f services, in order; the first match wins.</summary>
    public IReadOnlyList<FirewallMarkRule> FirewallMarks { get; init; } = [];

    public IReadOnlyList<VirtualServiceConfiguration> Services { get; init; } = [];
}
