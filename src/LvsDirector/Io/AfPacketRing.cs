namespace LvsDirector.Io;

/// <summary>How the kernel hands received frames to an <see cref="AfPacketLink"/> (see docs/performance.md, "Latency: how frames reach lvsd").</summary>
public enum AfPacketRing
{
    /// <summary>
    /// TPACKET_V2: fixed slots, each handed over (and poll woken) as soon as the kernel has written it, so a frame
    /// waits for nothing. Frames longer than a slot (GRO/TSO super-frames) are copied whole through the socket's
    /// receive queue (PACKET_COPY_THRESH).
    /// </summary>
    Frames,

    /// <summary>
    /// TPACKET_V3: variable-sized frames packed into blocks, handed over only when a block is full or its retire
    /// timer fires. Fewer wake-ups under a flood, but under light load every frame waits for the timer.
    /// </summary>
    Blocks,
}
