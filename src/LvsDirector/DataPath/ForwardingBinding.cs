using LvsDirector.Connections;
using LvsDirector.Services;

namespace LvsDirector.DataPath;

/// <summary>
/// Maps a real server's forwarding method to the bits a connection keeps for its whole life, and back: the
/// connection is forwarded by the method it was created with, as IPVS binds cp->packet_xmit once.
/// </summary>
internal static class ForwardingBinding
{
    public static ConnectionStatus ToStatus(ForwardingMethod method) => method switch
    {
        ForwardingMethod.DirectRouting => ConnectionStatus.DirectRouteForwarding,
        ForwardingMethod.Tunnel => ConnectionStatus.TunnelForwarding,
        _ => ConnectionStatus.None,
    };

    public static ForwardingMethod FromStatus(ConnectionStatus status) => (status & ConnectionStatus.ForwardingMask) switch
    {
        ConnectionStatus.DirectRouteForwarding => ForwardingMethod.DirectRouting,
        ConnectionStatus.TunnelForwarding => ForwardingMethod.Tunnel,
        _ => ForwardingMethod.Masquerade,
    };
}
