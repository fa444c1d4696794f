namespace LvsDirector.Packets;

/// <summary>
/// The IPv6 packet an ICMPv6 error quotes, as read by <see cref="Icmpv6.TryReadQuoted"/>: the IPv6 counterpart of
/// <see cref="QuotedPacket"/>. Offsets are from the start of the frame; addresses as in <see cref="Ipv6Address"/>.
/// </summary>
public struct Ipv6QuotedPacket
{
    /// <summary>Offset of the quoted IPv6 header (just past the 8-byte ICMPv6 header).</summary>
    public int L3Offset { get; set; }

    /// <summary>40 plus the quoted extension headers that could be walked.</summary>
    public int HeaderLength { get; set; }

    /// <summary>The quoted upper-layer protocol (next header after the extension headers); valid when <see cref="HasTransport"/>.</summary>
    public byte Protocol { get; set; }

    public UInt128 SourceAddress { get; set; }

    public UInt128 DestinationAddress { get; set; }

    /// <summary>The extension header chain ended at an upper-layer header inside the quote (it may still be cut short).</summary>
    public bool HasTransport { get; set; }

    /// <summary>The quoted packet is a fragment with a non-zero offset: it carries no transport header.</summary>
    public bool IsLaterFragment { get; set; }

    /// <summary>True when the quote holds the 4 bytes of TCP/UDP ports.</summary>
    public bool HasPorts { get; set; }

    public ushort SourcePort { get; set; }

    public ushort DestinationPort { get; set; }

    /// <summary>Offset of the quoted transport header.</summary>
    public int L4Offset { get; set; }

    /// <summary>Bytes of the quoted transport header and data present in the message.</summary>
    public int L4Available { get; set; }
}
