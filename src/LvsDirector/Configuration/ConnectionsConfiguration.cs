namespace LvsDirector.Configuration;

/// <summary>Connection tracking: table size, timeouts and IPVS's connection sysctls.</summary>
public sealed record ConnectionsConfiguration
{
    public const int DefaultTableSize = 1 << 20;
    public const int MinTableSize = 256;

    /// <summary>16,777,216 entries: above the 10-million goal, at most about 100 bytes each.</summary>
    public const int MaxTableSize = 1 << 24;

    /// <summary>Connection entries preallocated per worker, persistence templates included.</summary>
    public int TableSize { get; init; } = DefaultTableSize;

    /// <summary>sloppy_tcp: start TCP connections on any packet but a RST, not only on a SYN.</summary>
    public bool SloppyTcp { get; init; }

    /// <summary>expire_nodest_conn: drop the entry of a connection whose real server was deleted on its next packet.</summary>
    public bool ExpireNodestConn { get; init; }

    /// <summary>expire_quiescent_template: a persistence template of a weight-0 real server is dropped when next used.</summary>
    public bool ExpireQuiescentTemplate { get; init; }

    /// <summary>ESTABLISHED timeout (ipvsadm --set tcp).</summary>
    public TimeSpan TcpTimeout { get; init; } = TimeSpan.FromSeconds(900);

    /// <summary>FIN_WAIT timeout (ipvsadm --set tcpfin).</summary>
    public TimeSpan TcpFinTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>UDP timeout (ipvsadm --set udp).</summary>
    public TimeSpan UdpTimeout { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How long the reply tuple of a one-packet-scheduled datagram is kept for reverse NAT.</summary>
    public TimeSpan OnePacketReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
