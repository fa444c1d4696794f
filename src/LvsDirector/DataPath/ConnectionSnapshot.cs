using LvsDirector.Connections;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>
/// One entry of the connection table as ipvsadm -L -c shows it (/proc/net/ip_vs_conn): a connection, a
/// persistence template (state NONE, client port 0, protocol IP for firewall-mark templates whose virtual
/// address is the mark) or a one-packet reply entry. Addresses are host byte order.
/// </summary>
/// <remarks>
/// An IPv6 entry has <see cref="IsIpv6"/> set and its addresses in <see cref="ClientAddress6"/>,
/// <see cref="VirtualAddress6"/> and <see cref="RealAddress6"/>; its IPv4 address fields are 0, except
/// <see cref="VirtualAddress"/> of a firewall-mark template, which holds the mark for both families so listings
/// treat marks one way. The *Text properties format either family.
/// </remarks>
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
    public bool IsIpv6 { get; init; }

    public UInt128 ClientAddress6 { get; init; }

    public UInt128 VirtualAddress6 { get; init; }

    public UInt128 RealAddress6 { get; init; }

    /// <summary>The client (or a template's client network) as text, either family.</summary>
    public string ClientAddressText => IsIpv6 ? Ipv6Address.Format(ClientAddress6) : Ipv4Address.Format(ClientAddress);

    /// <summary>The virtual address as text, either family (a firewall-mark template's mark is in <see cref="VirtualAddress"/>).</summary>
    public string VirtualAddressText => IsIpv6 ? Ipv6Address.Format(VirtualAddress6) : Ipv4Address.Format(VirtualAddress);

    public string RealAddressText => IsIpv6 ? Ipv6Address.Format(RealAddress6) : Ipv4Address.Format(RealAddress);

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

    internal static ConnectionSnapshot From(in ConnectionEntry<uint> entry, long nowMs) => new(
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

    internal static ConnectionSnapshot From(in ConnectionEntry<UInt128> entry, long nowMs) => new(
        entry.Protocol,
        0,
        entry.ClientPort,
        entry.Protocol == 0 && entry.IsTemplate ? (uint)entry.VirtualAddress : 0,
        entry.VirtualPort,
        0,
        entry.RealPort,
        entry.State,
        entry.Flags,
        Math.Max(0, entry.ExpiresAtMs - nowMs),
        entry.ControlledConnections)
    {
        IsIpv6 = true,
        ClientAddress6 = entry.ClientAddress,
        VirtualAddress6 = entry.VirtualAddress,
        RealAddress6 = entry.RealAddress,
    };
}
