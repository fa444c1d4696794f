namespace LvsDirector.Interop.Linux;

/// <summary>
/// Byte offsets inside a TPACKET_V2 ring slot: struct tpacket2_hdr (32 bytes), then at TPACKET_ALIGN(32) = 32 a
/// struct sockaddr_ll. The frame itself starts tp_mac bytes into the slot.
/// </summary>
internal static class TPacket2Layout
{
    internal const int Status = 0;
    internal const int Length = 4;
    internal const int SnapLength = 8;
    internal const int MacOffset = 12;

    internal const int HeaderAligned = 32;
    internal const int PacketType = HeaderAligned + 10;

    /// <summary>TPACKET2_HDRLEN: aligned tpacket2_hdr plus sockaddr_ll.</summary>
    internal const int HeaderWithAddress = HeaderAligned + 20;

    /// <summary>
    /// Where an Ethernet frame starts in a slot: TPACKET_ALIGN(TPACKET2_HDRLEN + 16) for the network header
    /// (tpacket_rcv keeps at least 16 bytes for the link header) minus the 14-byte Ethernet header.
    /// </summary>
    internal const int EthernetFrameOffset = 80 - 14;
}
