namespace LvsDirector.Packets;

/// <summary>Outcome of <see cref="FrameParser.Parse"/>. Only <see cref="Ok"/> means every field of <see cref="FrameInfo"/> is valid.</summary>
public enum ParseResult : byte
{
    /// <summary>Ethernet, IPv4 and the TCP/UDP/ICMP header are all present and consistent.</summary>
    Ok,

    /// <summary>The frame ends before a header it announces (Ethernet, VLAN tag, IPv4 header/options, ARP body).</summary>
    Truncated,

    /// <summary>The ether type is neither IPv4, IPv6 nor ARP (LLDP, stacked VLANs ...). <see cref="FrameInfo.EtherType"/> is set.
    /// (The name predates IPv6: IPv6 frames get the same results as IPv4 ones, with <see cref="FrameInfo.IsIpv6"/> set.)</summary>
    NotIpv4,

    /// <summary>An ARP frame whose body fits in the frame; <see cref="FrameInfo.L3Offset"/> is set, read it with <see cref="Arp.TryRead"/>.</summary>
    Arp,

    /// <summary>IPv4 version is not 4, IHL is below 5, or the total length is smaller than the header. IPv6: version is not 6, a
    /// jumbogram (payload length 0 with hop-by-hop options), hop-by-hop options not first, two fragment headers, or more than
    /// <see cref="Ipv6Header.MaxExtensionHeaders"/> extension headers.</summary>
    BadIpHeader,

    /// <summary>Length fields disagree with the bytes present: IP total length beyond the frame, a transport header that does not fit
    /// in the IP payload, or a UDP length that differs from the IP payload length.</summary>
    BadLength,

    /// <summary>An IPv4 fragment. IP fields are valid; for a first fragment whose transport header fits, ports/flags are set
    /// and <see cref="FrameInfo.HasTransportHeader"/> is true.</summary>
    Fragment,

    /// <summary>A valid IPv4 packet of a protocol other than TCP, UDP or ICMP. IP fields (and L4Offset/L4Length) are valid.</summary>
    UnsupportedProtocol,

    /// <summary>TCP data offset below 5 words.</summary>
    BadTransportHeader,
}
