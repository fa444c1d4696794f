using LvsDirector.Forwarding;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>A link as one packet worker sees it: its addresses, ARP and neighbour caches and the VIPs it announces.</summary>
internal sealed class LinkContext
{
    public LinkContext(int index, ILink link, IReadOnlyList<(uint Address, int PrefixLength)> addresses, NeighborTable neighbors)
        : this(index, link, addresses, [], neighbors, new Ipv6NeighborTable())
    {
    }

    public LinkContext(
        int index,
        ILink link,
        IReadOnlyList<(uint Address, int PrefixLength)> addresses,
        IReadOnlyList<(UInt128 Address, int PrefixLength)> addresses6,
        NeighborTable neighbors,
        Ipv6NeighborTable neighbors6)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(addresses6);
        Index = index;
        Link = link;
        Mac = link.HardwareAddress;
        Neighbors = neighbors;
        Neighbors6 = neighbors6;
        Subnets = addresses.Select(a => (a.Address, Mask: a.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - a.PrefixLength))).ToArray();
        PrimaryAddress = addresses.Count > 0 ? addresses[0].Address : 0;

        // Link-local prefixes are on every link, so they say nothing about which link a global address is on.
        Subnets6 = addresses6.Where(a => !Ipv6Address.IsLinkLocal(a.Address))
            .Select(a =>
            {
                var mask = Ipv6Address.PrefixMask(a.PrefixLength);
                return (a.Address & mask, mask);
            })
            .ToArray();
        LinkLocalAddress6 = addresses6.Select(a => a.Address).FirstOrDefault(Ipv6Address.IsLinkLocal);
        if (LinkLocalAddress6 == UInt128.Zero)
        {
            LinkLocalAddress6 = LinkLocalFromMac(Mac);
        }

        var global = addresses6.Select(a => a.Address).FirstOrDefault(a => !Ipv6Address.IsLinkLocal(a));
        PrimaryAddress6 = global != UInt128.Zero ? global : LinkLocalAddress6;
    }

    public int Index { get; }

    public ILink Link { get; }

    public string Name => Link.Name;

    public MacAddress Mac { get; }

    public NeighborTable Neighbors { get; }

    /// <summary>The IPv6 neighbour cache of this link (Neighbor Discovery).</summary>
    public Ipv6NeighborTable Neighbors6 { get; }

    /// <summary>The kernel's address on this link, used as the ARP sender address (0 = ARP probe).</summary>
    public uint PrimaryAddress { get; }

    public (uint Address, uint Mask)[] Subnets { get; }

    /// <summary>Routes through a gateway (from the kernel's table), longest prefix first, for real servers off this link's subnets.</summary>
    public Route[] Routes { get; init; } = [];

    /// <summary>Replaced (not mutated) by the worker when the service table changes.</summary>
    public HashSet<uint> AnnouncedVips { get; set; } = [];

    /// <summary>
    /// The link's first global IPv6 address (the outer source of 6in6 packets and the source of our Neighbor
    /// Solicitations), else its link-local one.
    /// </summary>
    public UInt128 PrimaryAddress6 { get; }

    /// <summary>The kernel's fe80:: address on this link, or the EUI-64 one derived from the MAC when it has none.</summary>
    public UInt128 LinkLocalAddress6 { get; }

    /// <summary>Global IPv6 prefixes on this link, as (network, mask).</summary>
    public (UInt128 Address, UInt128 Mask)[] Subnets6 { get; }

    /// <summary>IPv6 gateway routes of this link from the kernel's table, longest prefix first.</summary>
    public Route6[] Routes6 { get; init; } = [];

    /// <summary>IPv6 VIPs this link answers Neighbor Solicitations for; replaced (not mutated) on service changes.</summary>
    public HashSet<UInt128> AnnouncedVips6 { get; set; } = [];

    public bool IsOnLink(uint address)
    {
        foreach (var (a, mask) in Subnets)
        {
            if ((a & mask) == (address & mask))
            {
                return true;
            }
        }

        return false;
    }

    public bool IsOnLink6(UInt128 address)
    {
        foreach (var (a, mask) in Subnets6)
        {
            if (a == (address & mask))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>RFC 4291 appendix A: fe80::/64 with the MAC as a modified EUI-64 interface identifier.</summary>
    public static UInt128 LinkLocalFromMac(MacAddress mac)
    {
        var m = mac.Value ^ 0x0200_0000_0000UL;
        var identifier = ((m >> 24) << 40) | (0xFFFEUL << 24) | (m & 0xFF_FFFF);
        return (new UInt128(0xFE80_0000_0000_0000UL, 0)) | identifier;
    }
}
