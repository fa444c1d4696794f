namespace LvsDirector.Packets;

/// <summary>
/// What <see cref="FrameParser.Parse"/> learned about one frame. Offsets are from the start of the frame; addresses and
/// ports are host order. A mutable struct so the parser fills it in place without copying or allocating.
/// </summary>
public struct FrameInfo
{
    /// <summary>Ether type of the L3 payload (the inner type when a VLAN tag is present).</summary>
    public ushort EtherType { get; set; }

    /// <summary>802.1Q VLAN id (12 bits) when <see cref="HasVlanTag"/>; otherwise 0.</summary>
    public ushort VlanId { get; set; }

    public bool HasVlanTag { get; set; }

    public int L3Offset { get; set; }

    public int IpHeaderLength { get; set; }

    /// <summary>IP total length. For a Linux BIG TCP super-frame (tot_len 0, over 64 KiB) this is the length of the bytes present.</summary>
    public int IpTotalLength { get; set; }

    public byte Protocol { get; set; }

    public byte Ttl { get; set; }

    public uint SourceAddress { get; set; }

    public uint DestinationAddress { get; set; }

    /// <summary>More-fragments set or fragment offset non-zero.</summary>
    public bool IsFragment { get; set; }

    /// <summary>A fragment with offset 0 (it carries the transport header).</summary>
    public bool IsFirstFragment { get; set; }

    /// <summary>True when the L4 fields below (ports, TCP flags, ICMP type/code, payload) were read from a complete header.</summary>
    public bool HasTransportHeader { get; set; }

    public int L4Offset { get; set; }

    /// <summary>IP payload length (IP total length minus IP header length).</summary>
    public int L4Length { get; set; }

    public ushort SourcePort { get; set; }

    public ushort DestinationPort { get; set; }

    public byte TcpFlags { get; set; }

    public int TcpHeaderLength { get; set; }

    public int PayloadOffset { get; set; }

    public int PayloadLength { get; set; }

    public byte IcmpType { get; set; }

    public byte IcmpCode { get; set; }

    /// <summary>Offset just past the IP packet; bytes from here to the end of the frame are Ethernet padding.</summary>
    public readonly int IpEnd => L3Offset + IpTotalLength;
}
