namespace LvsDirector.Packets;

/// <summary>Ethernet type field values the director cares about (host order).</summary>
public static class EtherType
{
    public const ushort Ipv4 = 0x0800;
    public const ushort Arp = 0x0806;
    public const ushort Ipv6 = 0x86DD;
    public const ushort Vlan = 0x8100;
}
