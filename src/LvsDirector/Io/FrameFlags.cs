using System.Diagnostics.CodeAnalysis;

namespace LvsDirector.Io;

/// <summary>What the link layer knows about a received frame beyond its bytes.</summary>
[Flags]
[SuppressMessage("Naming", "CA1711", Justification = "The name mirrors the kernel's frame status flags and is part of the agreed API.")]
public enum FrameFlags : byte
{
    None = 0,

    /// <summary>
    /// TP_STATUS_CSUMNOTREADY: the sender offloaded the checksum and the TCP/UDP checksum field holds only the
    /// pseudo-header sum. It must be completed over the whole segment before the frame leaves; incremental
    /// updates on it give garbage.
    /// </summary>
    ChecksumNotReady = 1,

    /// <summary>TP_STATUS_CSUM_VALID: the device or the stack already verified the L4 checksum.</summary>
    ChecksumValid = 2,

    /// <summary>The ring could not hold the whole frame (its original length exceeds the bytes delivered).</summary>
    Truncated = 4,
}
