namespace LvsDirector.Control;

/// <summary>A real server as asked for by ipvsadm -a/-e.</summary>
/// <param name="Address">Real server IP in canonical text form.</param>
/// <param name="Port">Real server port (lvsadm fills in the service port when none was given, and for DR/TUN).</param>
/// <param name="Weight">0..65535; 0 quiesces the server.</param>
/// <param name="Method">Forwarding method (-m, -g, -i).</param>
/// <param name="UpperThreshold">-x: stop sending new connections above this many; null or 0 means no limit.</param>
/// <param name="LowerThreshold">-y: resume below this many.</param>
/// <param name="TunnelType">--tun-type for -i; null when not given (IPIP, as with ipvsadm). Only with -i.</param>
/// <param name="TunnelPort">--tun-port: the GUE destination port; null when not given. Only with --tun-type gue.</param>
/// <param name="TunnelChecksum">--tun-nocsum/--tun-csum/--tun-remcsum; null when not given (no checksum).</param>
public sealed record ControlServerSpec(
    string Address,
    ushort Port,
    int Weight,
    ControlForwardingMethod Method,
    uint? UpperThreshold = null,
    uint? LowerThreshold = null,
    ControlTunnelType? TunnelType = null,
    ushort? TunnelPort = null,
    ControlTunnelChecksum? TunnelChecksum = null);
