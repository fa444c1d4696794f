using System.Runtime.InteropServices;

namespace LvsDirector.Connections;

/// <summary>
/// One tracked connection, stored by value in <see cref="ConnectionTable"/>. Addresses and ports are IPv4 in host
/// byte order. Only the table mutates an entry; everyone else reads it through a readonly reference or a copy.
/// </summary>
/// <remarks>Laid out by hand to 40 bytes: the 8-byte expiry first, then 4-, 2- and 1-byte fields.</remarks>
[StructLayout(LayoutKind.Sequential)]
public struct ConnectionEntry
{
    /// <summary>When the connection expires unless another packet refreshes it (the table's clock, ms).</summary>
    public long ExpiresAtMs { readonly get; internal set; }

    public uint ClientAddress { readonly get; internal set; }

    public uint VirtualAddress { readonly get; internal set; }

    public uint RealAddress { readonly get; internal set; }

    // Hash chain links (entry indexes, -1 ends a chain); the inbound link doubles as the free-list link.
    internal int NextInbound { readonly get; set; }

    internal int NextOutbound { readonly get; set; }

    public ushort ClientPort { readonly get; internal set; }

    public ushort VirtualPort { readonly get; internal set; }

    public ushort RealPort { readonly get; internal set; }

    /// <summary>IP protocol number (6 TCP, 17 UDP).</summary>
    public byte Protocol { readonly get; internal set; }

    /// <summary>TCP state; stays <see cref="TcpConnectionState.None"/> for other protocols.</summary>
    public TcpConnectionState State { readonly get; internal set; }

    public ConnectionStatus Flags { readonly get; internal set; }

    public readonly bool IsInUse => (Flags & ConnectionStatus.InUse) != 0;
}
