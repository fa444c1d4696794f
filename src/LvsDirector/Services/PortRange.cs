namespace LvsDirector.Services;

/// <summary>An inclusive destination port range of a firewall-mark rule (iptables --dport A:B, multiport entries).</summary>
public readonly record struct PortRange(ushort First, ushort Last)
{
    public bool Contains(ushort port) => port >= First && port <= Last;

    public override string ToString() => First == Last ? $"{First}" : $"{First}-{Last}";
}
