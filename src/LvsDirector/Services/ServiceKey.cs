using System.Net;

namespace LvsDirector.Services;

/// <summary>
/// Identifies a virtual service the way ipvsadm does: protocol, virtual address and port (-t/-u), or a firewall
/// mark (-f). Build firewall-mark keys with <see cref="ForFwmark"/> so two keys for one mark compare equal.
/// </summary>
/// <param name="Protocol">tcp or udp; <see cref="ServiceProtocol.Tcp"/> (ignored) for firewall-mark services.</param>
/// <param name="Address">The VIP; <see cref="IPAddress.Any"/> for firewall-mark services.</param>
/// <param name="Port">The virtual port; 0 means every port of the VIP (persistent services only).</param>
/// <param name="Fwmark">The firewall mark, 0 for an address service.</param>
public readonly record struct ServiceKey(ServiceProtocol Protocol, IPAddress Address, ushort Port, uint Fwmark = 0)
{
    public bool IsFwmark => Fwmark != 0;

    public static ServiceKey ForFwmark(uint mark) => new(ServiceProtocol.Tcp, IPAddress.Any, 0, mark);

    /// <summary>As ipvsadm lists it: "TCP 198.18.0.10:80" or "FWM 1".</summary>
    public override string ToString() =>
        IsFwmark ? $"FWM {Fwmark}" : $"{(Protocol == ServiceProtocol.Tcp ? "TCP" : "UDP")} {Address}:{Port}";
}
