namespace LvsDirector.Interop.Linux;

/// <summary>
/// Byte offsets inside the TPACKET_V3 ring. Blocks start with struct tpacket_block_desc
/// (version, offset_to_priv, then struct tpacket_hdr_v1); frames start with struct tpacket3_hdr
/// followed, at TPACKET_ALIGN(sizeof(tpacket3_hdr)) = 48, by a struct sockaddr_ll.
/// Read through pointers because the kernel writes them concurrently and the frames are variable-sized.
/// </summary>
internal static class TPacketLayout
{
    internal const int BlockStatus = 8;
    internal const int BlockPacketCount = 12;
    internal const int BlockFirstPacketOffset = 16;
    internal const int BlockLength = 20;

    internal const int FrameNextOffset = 0;
    internal const int FrameSnapLength = 12;
    internal const int FrameLength = 16;
    internal const int FrameStatus = 20;
    internal const int FrameMacOffset = 24;

    internal const int FrameHeaderAligned = 48;
    internal const int FramePacketType = FrameHeaderAligned + 10;

    /// <summary>TPACKET3_HDRLEN: aligned tpacket3_hdr plus sockaddr_ll.</summary>
    internal const int FrameHeaderWithAddress = FrameHeaderAligned + 20;
}
