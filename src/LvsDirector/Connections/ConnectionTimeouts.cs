namespace LvsDirector.Connections;

/// <summary>
/// Idle timeouts per state, with IPVS's defaults (ip_vs_proto_tcp.c tcp_timeouts, ip_vs_proto_udp.c udp_timeouts).
/// ipvsadm --set tcp tcpfin udp sets <see cref="Established"/>, <see cref="FinWait"/> and <see cref="Udp"/>.
/// </summary>
public sealed record ConnectionTimeouts
{
    public static ConnectionTimeouts Default { get; } = new();

    public TimeSpan None { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Established { get; init; } = TimeSpan.FromSeconds(900);

    public TimeSpan SynSent { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan SynRecv { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan FinWait { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan TimeWait { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan Close { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan CloseWait { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan LastAck { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan Listen { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan SynAck { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>UDP and any other non-TCP protocol.</summary>
    public TimeSpan Udp { get; init; } = TimeSpan.FromSeconds(300);

    public TimeSpan ForTcpState(TcpConnectionState state) => state switch
    {
        TcpConnectionState.None => None,
        TcpConnectionState.Established => Established,
        TcpConnectionState.SynSent => SynSent,
        TcpConnectionState.SynRecv => SynRecv,
        TcpConnectionState.FinWait => FinWait,
        TcpConnectionState.TimeWait => TimeWait,
        TcpConnectionState.Close => Close,
        TcpConnectionState.CloseWait => CloseWait,
        TcpConnectionState.LastAck => LastAck,
        TcpConnectionState.Listen => Listen,
        TcpConnectionState.SynAck => SynAck,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown TCP state."),
    };
}
