using System.Runtime.InteropServices;

namespace LvsDirector.Connections;

/// <summary>
/// One tracked connection or persistence template, stored by value in <see cref="ConnectionTable{TAddress}"/>.
/// Addresses are <see cref="uint"/> (IPv4) or <see cref="UInt128"/> (IPv6), and ports, in host byte order. Only the
/// table mutates an entry; everyone else reads it through a readonly reference or a copy.
/// </summary>
/// <remarks>
/// Laid out by hand: the 8-byte expiry first, then the addresses, then 4-, 2- and 1-byte fields, which makes the IPv4
/// entry 48 bytes (the IPv6 one is 96, as UInt128 is 16-byte aligned).
/// </remarks>
[StructLayout(LayoutKind.Sequential)]
public struct ConnectionEntry<TAddress>
    where TAddress : unmanaged, IEquatable<TAddress>
{
    /// <summary>When the entry expires unless another packet refreshes it (the table's clock, ms).</summary>
    public long ExpiresAtMs { readonly get; internal set; }

    /// <summary>The client; for a template, the client's network (address AND the service's persistence mask).</summary>
    public TAddress ClientAddress { readonly get; internal set; }

    /// <summary>The VIP the client addressed; for a firewall-mark template, the mark (as IPVS stores it, also for IPv6).</summary>
    public TAddress VirtualAddress { readonly get; internal set; }

    public TAddress RealAddress { readonly get; internal set; }

    // Hash chain links (entry index + 1, 0 ends a chain); the inbound link doubles as the free-list link.
    internal int NextInbound { readonly get; set; }

    internal int NextOutbound { readonly get; set; }

    /// <summary>
    /// For a connection: its controlling template's index + 1, 0 for none. For a template: how many connections it
    /// controls (IPVS n_control); a template is not freed while it controls any.
    /// </summary>
    internal int Control { readonly get; set; }

    /// <summary>
    /// A fixed idle timeout of the entry's own (IPVS cp->timeout for templates: the persistence timeout; the reply
    /// window of one-packet entries), in seconds; 0 means the table's per-state timeouts apply.
    /// </summary>
    public uint FixedTimeoutSeconds { readonly get; internal set; }

    /// <summary>Client port; 0 for templates.</summary>
    public ushort ClientPort { readonly get; internal set; }

    public ushort VirtualPort { readonly get; internal set; }

    public ushort RealPort { readonly get; internal set; }

    /// <summary>IP protocol number (6 TCP, 17 UDP; 0 for firewall-mark templates, IPVS's IPPROTO_IP).</summary>
    public byte Protocol { readonly get; internal set; }

    /// <summary>TCP state; stays <see cref="TcpConnectionState.None"/> for other protocols and for templates.</summary>
    public TcpConnectionState State { readonly get; internal set; }

    public ConnectionStatus Flags { readonly get; internal set; }

    public readonly bool IsInUse => (Flags & ConnectionStatus.InUse) != 0;

    public readonly bool IsTemplate => (Flags & ConnectionStatus.Template) != 0;

    public readonly bool IsOnePacket => (Flags & ConnectionStatus.OnePacket) != 0;

    /// <summary>For a template: how many connections it currently controls.</summary>
    public readonly int ControlledConnections => IsTemplate ? Control : 0;
}
