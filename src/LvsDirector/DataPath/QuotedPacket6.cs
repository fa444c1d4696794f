namespace LvsDirector.DataPath;

/// <summary>The IPv6 packet an ICMPv6 error quotes, as read by <see cref="Icmpv6Frames.TryReadQuoted"/>; offsets are from the frame start.</summary>
/// <param name="L3Offset">Offset of the quoted IPv6 header.</param>
/// <param name="Protocol">Upper-layer next header after the quoted extension headers.</param>
/// <param name="SourceAddress">Quoted source address.</param>
/// <param name="DestinationAddress">Quoted destination address.</param>
/// <param name="HasPorts">The quote holds the transport ports (not a later fragment, at least 4 bytes present).</param>
/// <param name="SourcePort">Quoted source port.</param>
/// <param name="DestinationPort">Quoted destination port.</param>
/// <param name="L4Offset">Offset of the quoted transport header.</param>
/// <param name="L4Available">Bytes of the quoted transport header and data present.</param>
internal readonly record struct QuotedPacket6(
    int L3Offset, byte Protocol, UInt128 SourceAddress, UInt128 DestinationAddress, bool HasPorts, ushort SourcePort, ushort DestinationPort,
    int L4Offset, int L4Available);
