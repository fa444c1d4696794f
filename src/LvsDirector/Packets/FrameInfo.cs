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

    /// <summary>IPv4 source; 0 for IPv6 frames (see <see cref="SourceAddress6"/>).</summary>
    public uint SourceAddress { get; set; }

    /// <summary>IPv4 destination; 0 for IPv6 frames (see <see cref="DestinationAddress6"/>).</summary>
    public uint DestinationAddress { get; set; }

    /// <summary>True for an IPv6 packet (EtherType 0x86DD); then <see cref="Protocol"/> is the upper-layer header after the extension headers and <see cref="Ttl"/> is the hop limit.</summary>
    public bool IsIpv6 { get; set; }

    /// <summary>IPv6 source (see <see cref="Ipv6Address"/>); 0 for IPv4 frames.</summary>
    public UInt128 SourceAddress6 { get; set; }

    /// <summary>IPv6 destination; 0 for IPv4 frames.</summary>
    public UInt128 DestinationAddress6 { get; set; }

    /// <summary>Fragment identification: the 16-bit IPv4 field or the 32-bit one of the IPv6 fragment header.</summary>
    public uint FragmentId { get; set; }

    /// <summary>IPv6: offset of the fragment extension header from the start of the frame, 0 when there is none.</summary>
    public int FragmentHeaderOffset { get; set; }

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
