namespace LvsDirector.Control;

/// <summary>
/// One entry of the connection table, as /proc/net/ip_vs_conn describes it and ipvsadm -L -c prints it.
/// </summary>
/// <param name="Protocol">Transport protocol of the connection (of the service, for a template).</param>
/// <param name="ClientAddress">Client IP in canonical text form.</param>
/// <param name="ClientPort">Client port; 0 in a persistence template.</param>
/// <param name="VirtualAddress">
/// Virtual IP the client addressed, canonical text. For a template of a firewall-mark service IPVS keeps the
/// mark instead of an address: leave this null and set <paramref name="Fwmark"/>; lvsadm then prints it the way
/// ipvsadm does (protocol "IP", virtual "0.0.0.MARK:0").
/// </param>
/// <param name="VirtualPort">Virtual port; 0 in a template of a port-zero or firewall-mark service.</param>
/// <param name="DestinationAddress">Real server IP, canonical text.</param>
/// <param name="DestinationPort">Real server port.</param>
/// <param name="State">State name exactly as IPVS prints it; see <see cref="IpvsStateNames"/>.</param>
/// <param name="ExpiresInSeconds">Whole seconds until the entry expires (rounded down, as the kernel does).</param>
/// <param name="IsTemplate">True for a persistence template (IP_VS_CONN_F_TEMPLATE).</param>
/// <param name="Fwmark">Firewall mark of the service the entry belongs to, when it is a fwmark service.</param>
/// <param name="PersistenceEngine">Persistence engine name (e.g. "sip") when the entry carries engine data.</param>
/// <param name="PersistenceData">The engine's data (e.g. a SIP Call-ID), shown by ipvsadm -L -c --persistent-conn.</param>
public sealed record ControlConnectionEntry(
    ControlProtocol Protocol,
    string ClientAddress,
    ushort ClientPort,
    string? VirtualAddress,
    ushort VirtualPort,
    string DestinationAddress,
    ushort DestinationPort,
    string State,
    uint ExpiresInSeconds,
    bool IsTemplate = false,
    uint? Fwmark = null,
    string? PersistenceEngine = null,
    string? PersistenceData = null);
