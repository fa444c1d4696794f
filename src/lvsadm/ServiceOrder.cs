using System.Net;
using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>ipvs_cmp_services: fwmark, address family, protocol number, address, port.</summary>
internal sealed class ServiceOrder : IComparer<ServiceEntry>
{
    public static ServiceOrder Instance { get; } = new();

    public int Compare(ServiceEntry? x, ServiceEntry? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        var a = x.Key;
        var b = y.Key;
        var result = (a.Fwmark ?? 0).CompareTo(b.Fwmark ?? 0);
        if (result != 0)
        {
            return result;
        }

        result = IpvsadmFormatter.IsIpv6Service(a).CompareTo(IpvsadmFormatter.IsIpv6Service(b));
        if (result != 0)
        {
            return result;
        }

        result = ProtocolNumber(a.Protocol).CompareTo(ProtocolNumber(b.Protocol));
        if (result != 0)
        {
            return result;
        }

        result = AddressOrder.Compare(a.Address, b.Address);
        return result != 0 ? result : a.Port.CompareTo(b.Port);
    }

    private static int ProtocolNumber(ControlProtocol protocol) => protocol switch
    {
        ControlProtocol.Tcp => 6,
        ControlProtocol.Udp => 17,
        _ => 132,
    };
}
