namespace LvsDirector.Packets;

/// <summary>
/// The IP header (and the start of the transport header) that an ICMP error message quotes, as read by
/// <see cref="Icmp.TryReadQuoted"/>. Offsets are from the start of the frame; addresses and ports are host order.
/// </summary>
public struct QuotedPacket
{
    /// <summary>Offset of the quoted IPv4 header (just past the 8-byte ICMP header).</summary>
    public int L3Offset { get; set; }

    /// <summary>Quoted IHL * 4; the whole quoted header is present.</summary>
    public int HeaderLength { get; set; }

    public byte Protocol { get; set; }

    public uint SourceAddress { get; set; }

    public uint DestinationAddress { get; set; }

    /// <summary>The quoted packet is a fragment with a non-zero offset: it carries no transport header.</summary>
    public bool IsLaterFragment { get; set; }

    /// <summary>True when the quote holds at least the 4 bytes of TCP/UDP ports (RFC 792 requires 8 bytes).</summary>
    public bool HasPorts { get; set; }

    public ushort SourcePort { get; set; }

    public ushort DestinationPort { get; set; }

    /// <summary>Offset of the quoted transport header.</summary>
    public int L4Offset { get; set; }

    /// <summary>Bytes of the quoted transport header and data present in the message (often fewer than the original carried).</summary>
    public int L4Available { get; set; }
}
