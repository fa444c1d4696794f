using System.Numerics;

namespace LvsDirector.Io;

/// <summary>Sizing and behaviour of an <see cref="AfPacketLink"/>.</summary>
public sealed record AfPacketOptions
{
    /// <summary>Ring memory the default frame count aims at.</summary>
    internal const int DefaultRingBytes = 16 << 20;

    /// <summary>Smallest slot <see cref="AfPacketRing.Frames"/> accepts: the slot header plus a minimum Ethernet frame.</summary>
    internal const int MinFrameSlot = 256;

    public static AfPacketOptions Default { get; } = new();

    /// <summary>Which receive ring to use; <see cref="AfPacketRing.Frames"/> delivers every frame at once.</summary>
    public AfPacketRing Ring { get; init; } = AfPacketRing.Frames;

    /// <summary>
    /// <see cref="AfPacketRing.Frames"/>: bytes per slot, a power of two; 0 picks the smallest that holds a frame of
    /// the interface's MTU with two VLAN tags and the slot header (2048 for MTU 1500).
    /// <see cref="AfPacketRing.Blocks"/>: tp_frame_size of the request, which TPACKET_V3 uses only for validation
    /// (a multiple of 16 that divides the block size); 0 means 2048.
    /// </summary>
    public int FrameSize { get; init; }

    /// <summary><see cref="AfPacketRing.Frames"/>: slots in the ring; 0 means as many as fit in 16 MiB.</summary>
    public int FrameCount { get; init; }

    /// <summary>
    /// <see cref="AfPacketRing.Frames"/>: the longest frame delivered whole. A frame too long for a slot (a GSO/GRO
    /// super-frame, 64 KiB and more with BIG TCP) is copied from the socket's receive queue into a buffer of this
    /// size; longer ones are delivered cut and flagged <see cref="FrameFlags.Truncated"/>.
    /// </summary>
    public int MaxFrameSize { get; init; } = 1 << 20;

    /// <summary>
    /// <see cref="AfPacketRing.Blocks"/>: bytes per TPACKET_V3 block; a multiple of the page size. The largest frame
    /// the ring can hold is the block size minus about 100 bytes of headers; longer frames are delivered cut and
    /// flagged <see cref="FrameFlags.Truncated"/>.
    /// </summary>
    public int BlockSize { get; init; } = 1 << 20;

    /// <summary><see cref="AfPacketRing.Blocks"/>: blocks in the ring (BlockSize × BlockCount bytes of kernel memory).</summary>
    public int BlockCount { get; init; } = 16;

    /// <summary>
    /// <see cref="AfPacketRing.Blocks"/>: how long the kernel keeps a partly filled block before handing it over,
    /// which every frame waits for under light load.
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

    /// <summary>The slot size a <see cref="AfPacketRing.Frames"/> ring uses on an interface with <paramref name="mtu"/>.</summary>
    internal int FrameSlotSize(int mtu) =>
        FrameSize > 0
            ? FrameSize
            : (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinFrameSlot, Interop.Linux.TPacket2Layout.EthernetFrameOffset + mtu + 14 + 8));

    internal void Validate()
    {
        var page = Environment.SystemPageSize;
        if (Ring is not (AfPacketRing.Frames or AfPacketRing.Blocks))
        {
            throw new ArgumentException($"Ring {Ring} is not a known ring.");
        }

        if (Ring == AfPacketRing.Frames)
        {
            if (FrameSize != 0 && (FrameSize < MinFrameSlot || FrameSize > 1 << 24 || !BitOperations.IsPow2(FrameSize)))
            {
                throw new ArgumentException($"FrameSize {FrameSize} must be 0 or a power of two from {MinFrameSlot} to 16 MiB.");
            }

            if (FrameCount < 0 || FrameCount > 1 << 20)
            {
                throw new ArgumentException($"FrameCount {FrameCount} must be between 0 and 1,048,576.");
            }

            if (MaxFrameSize < 1514 || MaxFrameSize > 1 << 24)
            {
                throw new ArgumentException($"MaxFrameSize {MaxFrameSize} must be between 1514 and 16 MiB.");
            }
        }
        else
        {
            if (BlockSize <= 0 || BlockSize % page != 0)
            {
                throw new ArgumentException($"BlockSize {BlockSize} must be a positive multiple of the page size {page}.");
            }

            if (BlockCount <= 0)
            {
                throw new ArgumentException($"BlockCount {BlockCount} must be positive.");
            }

            var frameSize = FrameSize == 0 ? 2048 : FrameSize;
            if (frameSize < 128 || frameSize % 16 != 0 || frameSize > BlockSize)
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
