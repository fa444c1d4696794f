namespace LvsDirector.Io;

/// <summary>Sizing and behaviour of an <see cref="AfPacketLink"/>.</summary>
public sealed record AfPacketOptions
{
    public static AfPacketOptions Default { get; } = new();

    /// <summary>
    /// Bytes per TPACKET_V3 block; a multiple of the page size. The largest frame the ring can hold is the block
    /// size minus about 100 bytes of headers, so the default keeps GSO/GRO super-frames (64 KiB, and larger with
    /// BIG TCP) whole; longer frames are delivered cut and flagged <see cref="FrameFlags.Truncated"/>.
    /// </summary>
    public int BlockSize { get; init; } = 1 << 20;

    /// <summary>Blocks in the ring; the ring takes BlockSize × BlockCount bytes of locked-in kernel memory.</summary>
    public int BlockCount { get; init; } = 16;

    /// <summary>
    /// tp_frame_size of the ring request. TPACKET_V3 packs variable-sized frames into blocks and uses this value
    /// only for validation, so it just has to divide the block size and be a multiple of 16.
    /// </summary>
    public int FrameSize { get; init; } = 2048;

    /// <summary>
    /// How long the kernel keeps a partly filled block before handing it over. This bounds the added latency under
    /// light load; the kernel rounds it to its timer tick.
    /// </summary>
    public int BlockRetireTimeoutMs { get; init; } = 2;

    /// <summary>Put the interface into promiscuous mode for the lifetime of the socket (needed for DR/TUN on a real NIC).</summary>
    public bool Promiscuous { get; init; }

    /// <summary>
    /// Receive every multicast frame for the lifetime of the socket (PACKET_MR_ALLMULTI): Neighbor Solicitations for
    /// an IPv6 VIP go to its solicited-node group, which a NIC's multicast filter would otherwise drop.
    /// </summary>
    public bool AllMulticast { get; init; } = true;

    /// <summary>When set, joins (or creates) the PACKET_FANOUT group with this id, so several links on one interface split its frames.</summary>
    public ushort? FanoutGroupId { get; init; }

    /// <summary>
    /// Creates a new fanout group with an id the kernel picks (PACKET_FANOUT_FLAG_UNIQUEID), so no other process's
    /// group can be joined by accident; the other sockets join it through <see cref="AfPacketLink.FanoutGroupId"/>.
    /// </summary>
    public bool CreateFanoutGroup { get; init; }

    /// <summary>How the fanout group spreads frames; every member of a group must ask for the same.</summary>
    public FanoutMode FanoutMode { get; init; }

    /// <summary>Frames queued before TrySend flushes by itself; also the sendmmsg batch size.</summary>
    public int TxBatchSize { get; init; } = 64;

    /// <summary>Bytes per transmit slot; 0 means MTU + 14 (Ethernet) + 8 (two VLAN tags).</summary>
    public int TxFrameSize { get; init; }

    /// <summary>Set PACKET_IGNORE_OUTGOING so frames this host sends on the interface never enter the ring.</summary>
    public bool IgnoreOutgoing { get; init; } = true;

    internal void Validate()
    {
        var page = Environment.SystemPageSize;
        if (BlockSize <= 0 || BlockSize % page != 0)
        {
            throw new ArgumentException($"BlockSize {BlockSize} must be a positive multiple of the page size {page}.");
        }

        if (BlockCount <= 0)
        {
            throw new ArgumentException($"BlockCount {BlockCount} must be positive.");
        }

        if (FrameSize < 128 || FrameSize % 16 != 0 || FrameSize > BlockSize)
        {
            throw new ArgumentException($"FrameSize {FrameSize} must be a multiple of 16, at least 128 and at most BlockSize.");
        }

        if ((long)BlockSize * BlockCount > int.MaxValue)
        {
            throw new ArgumentException($"BlockSize × BlockCount ({(long)BlockSize * BlockCount}) must stay below 2 GiB.");
        }

        if (BlockRetireTimeoutMs < 0)
        {
            throw new ArgumentException($"BlockRetireTimeoutMs {BlockRetireTimeoutMs} must not be negative.");
        }

        if (TxBatchSize <= 0 || TxBatchSize > 1024)
        {
            throw new ArgumentException($"TxBatchSize {TxBatchSize} must be between 1 and 1024 (UIO_MAXIOV).");
        }

        if (CreateFanoutGroup && FanoutGroupId is not null)
        {
            throw new ArgumentException("CreateFanoutGroup takes no FanoutGroupId: the kernel chooses it.");
        }

        if (TxFrameSize < 0)
        {
            throw new ArgumentException($"TxFrameSize {TxFrameSize} must not be negative.");
        }
    }
}
