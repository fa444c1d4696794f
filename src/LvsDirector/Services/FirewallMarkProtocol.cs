namespace LvsDirector.Services;

/// <summary>Which transport protocol a firewall-mark rule matches (iptables -p tcp|udp, or none for any).</summary>
public enum FirewallMarkProtocol : byte
{
    Any = 0,
    Tcp = 6,
    Udp = 17,
}
