namespace LvsDirector.Control;

/// <summary>
/// The state names the kernel's IPVS prints in /proc/net/ip_vs_conn (and so ipvsadm -L -c):
/// tcp_state_name_table for TCP, "UDP" for every UDP entry, ip_vs_ctpl_state_name_table for templates.
/// </summary>
public static class IpvsStateNames
{
    /// <summary>A template (any protocol) before it is assured; also TCP state 0.</summary>
    public const string None = "NONE";

    /// <summary>A template the real server has answered through (IP_VS_CTPL_S_ASSURED).</summary>
    public const string Assured = "ASSURED";

    /// <summary>Every UDP connection (udp_state_name_table has the one state IP_VS_UDP_S_NORMAL).</summary>
    public const string Udp = "UDP";

    private static readonly string[] TcpNames =
    [
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
        "LISTEN", "SYNACK",
    ];

    /// <summary>The name of IP_VS_TCP_S_* state <paramref name="state"/> (0 NONE ... 10 SYNACK); "ERR!" outside it, as the kernel says.</summary>
    public static string ForTcp(int state) => state >= 0 && state < TcpNames.Length ? TcpNames[state] : "ERR!";
}
