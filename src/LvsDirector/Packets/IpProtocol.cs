namespace LvsDirector.Packets;

/// <summary>IP protocol numbers (IANA) used by the director.</summary>
public static class IpProtocol
{
    public const byte Icmp = 1;
    public const byte IpIp = 4;
    public const byte Tcp = 6;
    public const byte Udp = 17;
    public const byte Ipv6Encap = 41;
    public const byte Icmpv6 = 58;
}
