using LvsDirector.Connections;

namespace LvsDirector.DataPath;

/// <summary>
/// One entry of the connection table as ipvsadm -L -c shows it (/proc/net/ip_vs_conn): a connection, a
/// persistence template (state NONE, client port 0, protocol IP for firewall-mark templates whose virtual
/// address is the mark) or a one-packet reply entry. Addresses are host byte order.
/// </summary>
public sealed record ConnectionSnapshot(
    byte Protocol,
    uint ClientAddress,
    ushort ClientPort,
    uint VirtualAddress,
    ushort VirtualPort,
    uint RealAddress,
    ushort RealPort,
    TcpConnectionState State,
    ConnectionStatus Flags,
    long ExpiresInMs,
    int ControlledConnections)
{
    public bool IsTemplate => (Flags & ConnectionStatus.Template) != 0;

    public bool IsOnePacket => (Flags & ConnectionStatus.OnePacket) != 0;

    /// <summary>ipvsadm's "pro" column: TCP, UDP, or IP for a firewall-mark template.</summary>
    public string ProtocolName => Protocol switch
    {
        6 => "TCP",
        17 => "UDP",
        0 => "IP",
        _ => Protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>ipvsadm's "state" column: NONE for templates, UDP for UDP, the TCP state name otherwise.</summary>
    public string StateName => IsTemplate ? "NONE" : Protocol switch
    {
        6 => State switch
        {
            TcpConnectionState.None => "NONE",
            TcpConnectionState.Established => "ESTABLISHED",
            TcpConnectionState.SynSent => "SYN_SENT",
            TcpConnectionState.SynRecv => "SYN_RECV",
            TcpConnectionState.FinWait => "FIN_WAIT",
            TcpConnectionState.TimeWait => "TIME_WAIT",
            TcpConnectionState.Close => "CLOSE",
            TcpConnectionState.CloseWait => "CLOSE_WAIT",
            TcpConnectionState.LastAck => "LAST_ACK",
            TcpConnectionState.Listen => "LISTEN",
            _ => "SYNACK",
        },
        17 => "UDP",
        _ => "ERR!",
    };

    internal static ConnectionSnapshot From(in ConnectionEntry entry, long nowMs) => new(
        entry.Protocol,
        entry.ClientAddress,
        entry.ClientPort,
        entry.VirtualAddress,
        entry.VirtualPort,
        entry.RealAddress,
        entry.RealPort,
        entry.State,
        entry.Flags,
        Math.Max(0, entry.ExpiresAtMs - nowMs),
        entry.ControlledConnections);
}
