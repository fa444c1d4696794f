using LvsDirector.Connections;

namespace LvsDirector.DataPath;

/// <summary>Start-up settings of the data path; the host fills them from the config file or flags.</summary>
public sealed record DirectorSettings
{
    /// <summary>Interfaces lvsd captures on; the first one announces VIPs that name no interface and fit no subnet.</summary>
    public required IReadOnlyList<string> Interfaces { get; init; }

    /// <summary>Packet workers (threads, each with its own sockets and connection table); null means one per CPU.</summary>
    public int? Workers { get; init; }

    /// <summary>CPUs the workers are pinned to, worker n to entry n modulo the count; empty leaves them to the scheduler.</summary>
    public IReadOnlyList<int> WorkerCpus { get; init; } = [];

    /// <summary>Connection entries preallocated per worker (persistence templates included).</summary>
    public int ConnectionTableSize { get; init; } = 1 << 20;

    /// <summary>IPv6 connection entries preallocated per worker; null means a quarter of <see cref="ConnectionTableSize"/> (at least 1024).</summary>
    public int? Ipv6ConnectionTableSize { get; init; }

    /// <summary>How long a resolved neighbour (ARP) entry stays valid.</summary>
    public TimeSpan NeighborTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Turn off GRO/LRO/TSO/GSO on captured interfaces at start, as the kernel does for forwarding.</summary>
    public bool DisableOffloads { get; init; } = true;

    /// <summary>Keep the kernel out of forwarded frames with a tc ingress filter on captured interfaces (<see cref="KernelBypass"/>).</summary>
    public bool KernelIngressDrop { get; init; } = true;

    /// <summary>Connection timeouts at start; ipvsadm --set changes tcp, tcpfin and udp at run time.</summary>
    public ConnectionTimeouts Timeouts { get; init; } = ConnectionTimeouts.Default;

    /// <summary>sloppy_tcp, expire_nodest_conn, expire_quiescent_template and the one-packet reply window.</summary>
    public PacketWorkerOptions Options { get; init; } = PacketWorkerOptions.Default;
}
