namespace LvsDirector.DataPath;

/// <summary>
/// The connection-handling switches of a packet worker, after IPVS's /proc/sys/net/ipv4/vs knobs. Fixed for the
/// worker's lifetime (they come from the config file); timeouts change at run time through the command queue.
/// </summary>
public sealed record PacketWorkerOptions
{
    public static PacketWorkerOptions Default { get; } = new();

    /// <summary>sloppy_tcp: a TCP connection may start on any packet but a RST, not only on a SYN.</summary>
    public bool SloppyTcp { get; init; }

    /// <summary>
    /// expire_nodest_conn: the first packet of a connection whose real server was deleted removes the entry at once
    /// (the packet is still dropped), so the client's next attempt is scheduled afresh.
    /// </summary>
    public bool ExpireNodestConn { get; init; }

    /// <summary>expire_quiescent_template: a persistence template whose real server has weight 0 is dropped when next used.</summary>
    public bool ExpireQuiescentTemplate { get; init; }

    /// <summary>
    /// How long the reply tuple of a one-packet-scheduled (--ops) datagram stays known so the real server's answer is
    /// reverse-NATed; each datagram from the same client port to the same real server refreshes it.
    /// </summary>
    public uint OnePacketReplySeconds { get; init; } = 10;
}
