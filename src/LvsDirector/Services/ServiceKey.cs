using System.Net;
using System.Net.Sockets;

namespace LvsDirector.Services;

/// <summary>
/// Identifies a virtual service the way ipvsadm does: protocol, virtual address and port (-t/-u), or a firewall
/// mark (-f, with -6 for an IPv6 mark). Build firewall-mark keys with <see cref="ForFwmark"/> so two keys for one
/// mark and family compare equal.
/// </summary>
/// <param name="Protocol">tcp or udp; <see cref="ServiceProtocol.Tcp"/> (ignored) for firewall-mark services.</param>
/// <param name="Address">
/// The VIP, IPv4 or IPv6; for firewall-mark services <see cref="IPAddress.Any"/> (IPv4 mark) or
/// <see cref="IPAddress.IPv6Any"/> (IPv6 mark), which is how the family of a mark service is kept, as IPVS keys
/// mark services by (family, mark).
/// </param>
/// <param name="Port">The virtual port; 0 means every port of the VIP (persistent services only).</param>
/// <param name="Fwmark">The firewall mark, 0 for an address service.</param>
public readonly record struct ServiceKey(ServiceProtocol Protocol, IPAddress Address, ushort Port, uint Fwmark = 0)
{
    public bool IsFwmark => Fwmark != 0;

    /// <summary>An IPv6 VIP, or an IPv6 firewall-mark service (ipvsadm -f MARK -6).</summary>
    public bool IsIpv6 => Address?.AddressFamily == AddressFamily.InterNetworkV6;

    public static ServiceKey ForFwmark(uint mark) => new(ServiceProtocol.Tcp, IPAddress.Any, 0, mark);

    /// <summary>A firewall-mark key of either family (ipvsadm -f MARK, or -f MARK -6).</summary>
    public static ServiceKey ForFwmark(uint mark, bool ipv6) => new(ServiceProtocol.Tcp, ipv6 ? IPAddress.IPv6Any : IPAddress.Any, 0, mark);

    /// <summary>As ipvsadm lists it: "TCP 198.18.0.10:80", "TCP [2001:db8::1]:80", "FWM 1" or "FWM 1 IPv6".</summary>
    public override string ToString() =>
        IsFwmark
            ? (IsIpv6 ? $"FWM {Fwmark} IPv6" : $"FWM {Fwmark}")
            : $"{(Protocol == ServiceProtocol.Tcp ? "TCP" : "UDP")} {(IsIpv6 ? $"[{Address}]" : Address.ToString())}:{Port}";
}
