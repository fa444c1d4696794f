using System.Globalization;
using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Daemon.Web;

/// <summary>How a service is named in metrics labels and on the status page, the same in both.</summary>
internal static class ServiceLabels
{
    /// <summary>
    /// "tcp", "udp", or "fwm" for firewall-mark services, whose protocol is not part of their key, and "fwm6" for IPv6
    /// firewall-mark services (ipvsadm -f MARK -6), so the two families of one mark stay two series.
    /// </summary>
    public static string Protocol(VirtualService service) =>
        service.IsFwmark ? (service.IsIpv6 ? "fwm6" : "fwm") : service.Protocol == ServiceProtocol.Tcp ? "tcp" : "udp";

    /// <summary>The VIP as text, dotted or RFC 5952 ("2001:db8::1", no brackets: the port is a label of its own); empty for firewall-mark services.</summary>
    public static string Vip(VirtualService service) => service.IsFwmark ? string.Empty : service.Key.Address.ToString();

    /// <summary>As ipvsadm lists the service: "TCP 198.18.0.10:80", "TCP [2001:db8::1]:80", "FWM 1" or "FWM 1 IPv6".</summary>
    public static string Display(VirtualService service) => service.Key.ToString();

    public static string Method(RealServer server) => server.Method switch
    {
        ForwardingMethod.Masquerade => "masq",
        ForwardingMethod.DirectRouting => "route",
        ForwardingMethod.Tunnel => "tunnel",
        _ => ((int)server.Method).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>"198.19.0.11:8080" or "[2001:db8::11]:8080".</summary>
    public static string Server(RealServer server) => new IPEndPoint(server.IPAddress, server.Port).ToString();
}
