namespace LvsDirector.Connections;

/// <summary>Per-entry flags, after IPVS's IP_VS_CONN_F_* where one exists.</summary>
[Flags]
public enum ConnectionStatus : byte
{
    None = 0,

    /// <summary>The slot holds a live entry.</summary>
    InUse = 1,

    /// <summary>Counted in the destination's inactive connections (IP_VS_CONN_F_INACTIVE), else in its active ones.</summary>
    Inactive = 2,

    /// <summary>
    /// No reply has passed the director (IP_VS_CONN_F_NOOUTPUT): inbound packets use the INPUT_ONLY table.
    /// Set for DR/TUN connections; cleared as soon as a reply is seen.
    /// </summary>
    NoOutput = 4,

    /// <summary>
    /// A persistence template (IP_VS_CONN_F_TEMPLATE): found only by <see cref="ConnectionTable.FindTemplate"/>, counted
    /// in the destination's persistent connections, not in its active or inactive ones.
    /// </summary>
    Template = 8,

    /// <summary>
    /// A one-packet-scheduling entry (IP_VS_CONN_F_ONE_PACKET): never matched by inbound packets, so each datagram is
    /// scheduled on its own; only indexed by the reply tuple so the real server's answer is reverse-NATed.
    /// </summary>
    OnePacket = 16,

    /// <summary>
    /// A template whose destination became unusable (removed, or quiesced with expire_quiescent_template): no longer
    /// found, kept only until the connections it controls are gone (IPVS rehashes it out of reach instead).
    /// </summary>
    Invalidated = 32,

    /// <summary>
    /// Forwarded by direct routing. With <see cref="TunnelForwarding"/> the connection's forwarding method, bound
    /// when the connection is created as IPVS binds cp->packet_xmit from the IP_VS_CONN_F_FWD_MASK bits: a later
    /// change of the real server's method (ipvsadm -e) applies to new connections only. Neither bit: masquerading.
    /// </summary>
    DirectRouteForwarding = 64,

    /// <summary>Forwarded through a tunnel; see <see cref="DirectRouteForwarding"/>.</summary>
    TunnelForwarding = 128,

    /// <summary>The bits that hold the forwarding method.</summary>
    ForwardingMask = DirectRouteForwarding | TunnelForwarding,
}
