namespace LvsDirector.Control;

/// <summary>
/// Identifies a virtual service as ipvsadm does: -t/-u host:port, or -f fwmark.
/// </summary>
/// <param name="Protocol">tcp or udp; ignored for fwmark services.</param>
/// <param name="Address">Virtual IP in canonical text form (IPv4 dotted or IPv6); null for fwmark services.</param>
/// <param name="Port">Virtual port; 0 means any port (only for persistent services).</param>
/// <param name="Fwmark">Firewall mark (ipvsadm -f), null for address services.</param>
/// <param name="Ipv6">For fwmark services: true when the mark is for IPv6 (ipvsadm -6).</param>
public sealed record ControlServiceKey(
    ControlProtocol Protocol,
    string? Address,
    ushort Port,
    uint? Fwmark = null,
    bool? Ipv6 = null);
