using System.Net;
using LvsDirector.Health;
using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>One real server of a virtual service, the equivalent of one ipvsadm -a line.</summary>
/// <param name="Address">Real server address, of the same family as its service.</param>
/// <param name="Port">Real server port; the loader fills in the service port when the file gives none (0 for firewall-mark and port-zero services: the packet's port).</param>
/// <param name="Weight">0 to 65535; 0 is quiescent.</param>
/// <param name="Method">Forwarding method; direct routing when absent, as ipvsadm -g.</param>
public sealed record RealServerConfiguration(IPAddress Address, ushort Port, int Weight = 1, ForwardingMethod Method = ForwardingMethod.DirectRouting)
{
    /// <summary>ipvsadm -x; 0 for no limit.</summary>
    public uint UpperThreshold { get; init; }

    /// <summary>ipvsadm -y; 0 means 3/4 of the upper threshold.</summary>
    public uint LowerThreshold { get; init; }

    /// <summary>tun_type (ipvsadm --tun-type): ipip or gue, for method tunnel only.</summary>
    public TunnelType TunnelType { get; init; }

    /// <summary>tun_port (ipvsadm --tun-port): the GUE UDP port; 0 for IPIP.</summary>
    public ushort TunnelPort { get; init; }

    /// <summary>The server's health check (its own block, else the service's); null when it is never checked (always up).</summary>
    public HealthCheckSettings? HealthCheck { get; init; }
}
