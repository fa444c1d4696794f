using System.Runtime.CompilerServices;

namespace LvsDirector.Connections;

/// <summary>
/// The IPv6 connection table: the same code as the IPv4 <see cref="ConnectionTable"/>, with <see cref="UInt128"/>
/// addresses (first wire byte most significant, see Packets.Ipv6Address). A persistence template's client network is
/// the client address AND the service's IPv6 prefix mask; a firewall-mark template's virtual address is the mark.
/// </summary>
public sealed class Ipv6ConnectionTable : ConnectionTable<UInt128>
{
    public Ipv6ConnectionTable(int capacity, ConnectionTimeouts timeouts, int seed)
        : base(capacity, timeouts, seed)
    {
    }

    /// <summary>Bytes one connection costs at the minimum bucket ratio: the entry, its destination reference and its buckets.</summary>
    public static int BytesPerEntry => Unsafe.SizeOf<ConnectionEntry<UInt128>>() + OverheadBytesPerEntry;
}
