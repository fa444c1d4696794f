namespace LvsDirector.Io;

/// <summary>The shape of an <see cref="AfPacketLink"/>'s receive ring as requested from the kernel.</summary>
internal readonly record struct RingGeometry(int BlockSize, int BlockCount, int FrameSize, int FrameCount)
{
    /// <summary>
    /// Frame-ring blocks hold whole slots and are at least this long: the kernel allocates each block as one
    /// power-of-two run of pages, so a power-of-two block wastes nothing and keeps the slots contiguous.
    /// </summary>
    private const int MinFrameBlock = 64 * 1024;

    public long Bytes => (long)BlockSize * BlockCount;

    public static RingGeometry For(AfPacketOptions options, int mtu)
    {
        if (options.Ring == AfPacketRing.Blocks)
        {
            var validationFrame = options.FrameSize == 0 ? 2048 : options.FrameSize;
            return new RingGeometry(options.BlockSize, options.BlockCount, validationFrame, options.BlockSize / validationFrame * options.BlockCount);
        }

        var frameSize = options.FrameSlotSize(mtu);
        var blockSize = Math.Max(Math.Max(frameSize, MinFrameBlock), Environment.SystemPageSize);
        var framesPerBlock = blockSize / frameSize;
        var wanted = options.FrameCount > 0 ? options.FrameCount : Math.Max(framesPerBlock, AfPacketOptions.DefaultRingBytes / frameSize);
        var blockCount = (wanted + framesPerBlock - 1) / framesPerBlock;
        if ((long)blockSize * blockCount > int.MaxValue)
        {
            throw new ArgumentException($"A ring of {wanted} slots of {frameSize} bytes must stay below 2 GiB.");
        }

        return new RingGeometry(blockSize, blockCount, frameSize, framesPerBlock * blockCount);
    }
}
