using System.Net;

namespace LvsDirector.Services;

/// <summary>What an operator asks for with ipvsadm -a/-e or a config file real server entry.</summary>
/// <param name="Address">Real server address.</param>
/// <param name="Port">Real server port; 0 (firewall-mark and port-zero services only) keeps the packet's port.</param>
/// <param name="Weight">0..65535; 0 quiesces.</param>
/// <param name="Method">Forwarding method.</param>
public sealed record RealServerSpec(IPAddress Address, ushort Port, int Weight, ForwardingMethod Method)
{
    /// <summary>ipvsadm -x: no new connections once this many are bound (active + inactive); 0 for no limit.</summary>
    public uint UpperThreshold { get; init; }

    /// <summary>ipvsadm -y: new connections again below this many; 0 means below 3/4 of the upper threshold.</summary>
    public uint LowerThreshold { get; init; }

    /// <summary>ipvsadm --tun-type for a tunnelled server; ignored for the other methods.</summary>
    public TunnelType TunnelType { get; init; }

    /// <summary>ipvsadm --tun-port: the UDP destination port of GUE; required (non-zero) with <see cref="TunnelType.Gue"/>.</summary>
    public ushort TunnelPort { get; init; }

    /// <summary>
    /// Added held down by a health check whose initial state is down (keepalived alpha), so no connection reaches it
    /// before its first passed check. Only read when the server is added; an edit keeps the server's health.
    /// </summary>
    public bool InitiallyDown { get; init; }
}
