namespace LvsDirector.Control;

/// <summary>One real server in a listing.</summary>
/// <param name="Address">Real server IP in canonical text form.</param>
/// <param name="Port">Real server port.</param>
/// <param name="Method">Forwarding method.</param>
/// <param name="Weight">Current weight.</param>
/// <param name="ActiveConnections">Connections in an established-like state (ipvsadm ActiveConn).</param>
/// <param name="InactiveConnections">Other connections (ipvsadm InActConn).</param>
/// <param name="PersistentConnections">Persistence templates pointing here (--persistent-conn).</param>
/// <param name="UpperThreshold">-x value, 0 for none.</param>
/// <param name="LowerThreshold">-y value, 0 for none.</param>
/// <param name="Stats">Counters and rates of this real server.</param>
/// <param name="TunnelType">Encapsulation of a Tunnel server (null: not reported, read as IPIP as ipvsadm does).</param>
/// <param name="TunnelPort">GUE destination port; 0 otherwise.</param>
/// <param name="TunnelChecksum">Tunnel checksum option of a GUE/GRE server.</param>
/// <param name="ConfiguredWeight">The operator's weight when it differs from <paramref name="Weight"/> (a health check holds the server down: Weight is then 0); null otherwise.</param>
/// <param name="SorryServer">True for a sorry server, listed only while no real server is up; -S leaves it out.</param>
public sealed record ServerEntry(
    string Address,
    ushort Port,
    ControlForwardingMethod Method,
    int Weight,
    uint ActiveConnections,
    uint InactiveConnections,
    uint PersistentConnections = 0,
    uint UpperThreshold = 0,
    uint LowerThreshold = 0,
    TrafficStats? Stats = null,
    ControlTunnelType? TunnelType = null,
    ushort TunnelPort = 0,
    ControlTunnelChecksum TunnelChecksum = ControlTunnelChecksum.NoChecksum,
    int? ConfiguredWeight = null,
    bool SorryServer = false);
