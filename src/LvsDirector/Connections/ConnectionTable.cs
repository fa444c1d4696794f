using System.Runtime.CompilerServices;

namespace LvsDirector.Connections;

/// <summary>
/// The IPv4 connection table: addresses are host-order <see cref="uint"/> values. See
/// <see cref="ConnectionTable{TAddress}"/> for how it works; <see cref="Ipv6ConnectionTable"/> is its IPv6 twin.
/// </summary>
public sealed class ConnectionTable : ConnectionTable<uint>
{
    public ConnectionTable(int capacity, ConnectionTimeouts timeouts, int seed)
        : base(capacity, timeouts, seed)
    {
    }

    /// <summary>Bytes one connection costs at the minimum bucket ratio: the entry, its destination reference and its buckets (48 + 8 + 16 = 72 on 64-bit).</summary>
    public static int BytesPerEntry => Unsafe.SizeOf<ConnectionEntry<uint>>() + OverheadBytesPerEntry;
}
