namespace LvsDirector.Io;

/// <summary>
/// What the kernel ingress filter drops after the capture taps: frames to a virtual address and replies of NAT real
/// servers, never a frame to one of the kernel's own destinations. Addresses are in host byte order (IPv6: first
/// wire byte most significant), as everywhere in lvsd.
/// </summary>
/// <param name="Local4">The kernel's own IPv4 destinations (its addresses, directed broadcasts, multicast): always passed.</param>
/// <param name="Local6">The kernel's own IPv6 destinations (its addresses, multicast): always passed.</param>
/// <param name="Virtual4">IPv4 VIPs and firewall-mark destination prefixes: frames to them are dropped.</param>
/// <param name="Virtual6">IPv6 VIPs and firewall-mark destination prefixes.</param>
/// <param name="NatServers4">IPv4 NAT real servers: their frames to anything but a local destination are dropped.</param>
/// <param name="NatServers6">IPv6 NAT real servers.</param>
internal sealed record IngressDropRules(
    IReadOnlyList<(uint Address, int PrefixLength)> Local4,
    IReadOnlyList<(UInt128 Address, int PrefixLength)> Local6,
    IReadOnlyList<(uint Address, int PrefixLength)> Virtual4,
    IReadOnlyList<(UInt128 Address, int PrefixLength)> Virtual6,
    IReadOnlyList<uint> NatServers4,
    IReadOnlyList<UInt128> NatServers6)
{
    public bool DropsNothing => Virtual4.Count == 0 && Virtual6.Count == 0 && NatServers4.Count == 0 && NatServers6.Count == 0;

    public bool DropsIpv4 => Virtual4.Count != 0 || NatServers4.Count != 0;

    public bool DropsIpv6 => Virtual6.Count != 0 || NatServers6.Count != 0;
}
