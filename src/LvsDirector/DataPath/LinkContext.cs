using LvsDirector.Forwarding;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;

namespace LvsDirector.DataPath;

/// <summary>A link as one packet worker sees it: its addresses, ARP cache and the VIPs it announces.</summary>
internal sealed class LinkContext
{
    public LinkContext(int index, ILink link, IReadOnlyList<(uint Address, int PrefixLength)> addresses, NeighborTable neighbors)
    {
        Index = index;
        Link = link;
        Mac = link.HardwareAddress;
        Neighbors = neighbors;
        Subnets = addresses.Select(a => (a.Address, Mask: a.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - a.PrefixLength))).ToArray();
        PrimaryAddress = addresses.Count > 0 ? addresses[0].Address : 0;
    }

    public int Index { get; }

    public ILink Link { get; }

    public string Name => Link.Name;

    public MacAddress Mac { get; }

    public NeighborTable Neighbors { get; }

    /// <summary>The kernel's address on this link, used as the ARP sender address (0 = ARP probe).</summary>
    public uint PrimaryAddress { get; }

    public (uint Address, uint Mask)[] Subnets { get; }

    /// <summary>Routes through a gateway (from the kernel's table), longest prefix first, for real servers off this link's subnets.</summary>
    public Route[] Routes { get; init; } = [];

    /// <summary>Replaced (not mutated) by the worker when the service table changes.</summary>
    public HashSet<uint> AnnouncedVips { get; set; } = [];

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
}
