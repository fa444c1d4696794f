using System.Globalization;
using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Daemon.Web;

/// <summary>How a service is named in metrics labels and on the status page, the same in both.</summary>
internal static class ServiceLabels
{
    /// <summary>"tcp", "udp", or "fwm" for firewall-mark services, whose protocol is not part of their key.</summary>
    public static string Protocol(VirtualService service) =>
        service.IsFwmark ? "fwm" : service.Protocol == ServiceProtocol.Tcp ? "tcp" : "udp";

    /// <summary>The VIP in dotted form; empty for firewall-mark services, which have none.</summary>
    public static string Vip(VirtualService service) => service.IsFwmark ? string.Empty : service.Key.Address.ToString();

    /// <summary>As ipvsadm lists the service: "TCP 198.18.0.10:80" or "FWM 1".</summary>
    public static string Display(VirtualService service) => service.Key.ToString();

    public static string Method(RealServer server) => server.Method switch
    {
        ForwardingMethod.Masquerade => "masq",
        ForwardingMethod.DirectRouting => "route",
        ForwardingMethod.Tunnel => "tunnel",
        _ => ((int)server.Method).ToString(CultureInfo.InvariantCulture),
    };

    public static string Server(RealServer server) => new IPEndPoint(server.IPAddress, server.Port).ToString();
}
