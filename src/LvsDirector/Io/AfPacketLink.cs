using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LvsDirector.Interop.Linux;
using LvsDirector.Packets;
using static LvsDirector.Interop.Linux.LinuxConstants;

namespace LvsDirector.Io;

/// <summary>
/// An AF_PACKET socket bound to one interface. Receive goes through a memory-mapped ring (frames are handed to the
/// sink in place, no copies): by default a TPACKET_V2 ring of fixed slots, each handed over the moment the kernel has
/// written it, so no frame waits for a timer; frames too long for a slot (GSO/GRO super-frames) arrive whole through
/// the socket's receive queue (PACKET_COPY_THRESH) into one preallocated buffer. A TPACKET_V3 block ring remains as
/// <see cref="AfPacketRing.Blocks"/>. Transmit copies frames into preallocated slots and sends each batch with one
/// sendmmsg call.
/// </summary>
/// <remarks>
/// Why the V2 ring: a V3 block reaches user space only when it is full or when its retire timer fires, so under light
/// and medium load every frame waited for the timer (BlockRetireTimeoutMs, 2 ms by default: about 1.1-1.4 ms per
/// traversal at the median, measured in docs/performance.md, "Latency: how frames reach lvsd"). A V2 slot is handed
/// over, and poll woken, as soon as the kernel has written it. The price: a slot holds one frame whatever its size,
/// and a sleeping worker is woken per frame rather than per block.
/// Why sendmmsg and not a PACKET_TX_RING (which a V2 socket could have): both cost one system call per batch and
/// measured the same latency; the tx ring's gain is flood throughput only, while sendmmsg reports per-frame errors
/// and needs no second mapping, no status polling and no slots held until the kernel frees their skbs.
/// </remarks>
public sealed unsafe class AfPacketLink : ILink
{
    private readonly SafePacketSocketHandle socket;
    private readonly byte* ring;
    private readonly AfPacketRing ringKind;

    // AfPacketRing.Blocks (TPACKET_V3).
    private readonly int blockSize;
    private readonly int blockCount;
    private int currentBlock;

    // AfPacketRing.Frames (TPACKET_V2): slots of frameSize bytes, contiguous because the block size is a multiple of it.
    private readonly int frameSize;
    private readonly int frameCount;
    private readonly byte* largeFrame;
    private readonly int largeFrameSize;
    private int currentFrame;

    private readonly byte* txData;
    private readonly MMsgHdr* txMessages;
    private readonly IoVec* txIov;
    private readonly int txSlotSize;
    private readonly int txBatchSize;
    private int txCount;

    // Pinned for the lifetime of the link: the native pointers above point into them.
    private readonly byte[] txDataArray;
    private readonly MMsgHdr[] txMessagesArray;
    private readonly IoVec[] txIovArray;
    private readonly byte[]? largeFrameArray;

    private readonly Lock statisticsLock = new();
    private long received;
    private long receivedBytes;
    private long sent;
    private long sentBytes;
    private long sendFailures;
    private long ignoredOutgoing;
    private long truncated;
    private long checksumNotReady;
    private long socketErrors;
    private long copyFailures;
    private int lastErrno;
    private long kernelPackets;
    private long kernelDrops;
    private long kernelFreezes;
    private bool disposed;

    private AfPacketLink(
        string name, int interfaceIndex, MacAddress hardwareAddress, int mtu,
        SafePacketSocketHandle socket, byte* ring, AfPacketOptions options, RingGeometry geometry)
    {
        Name = name;
        InterfaceIndex = interfaceIndex;
        HardwareAddress = hardwareAddress;
        Mtu = mtu;
        this.socket = socket;
        this.ring = ring;
        ringKind = options.Ring;
        blockSize = geometry.BlockSize;
        blockCount = geometry.BlockCount;
        frameSize = geometry.FrameSize;
        frameCount = geometry.FrameCount;
        if (ringKind == AfPacketRing.Frames)
        {
            largeFrameSize = options.MaxFrameSize;
            largeFrameArray = GC.AllocateUninitializedArray<byte>(largeFrameSize, pinned: true);
            largeFrame = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(largeFrameArray));
        }

        txBatchSize = options.TxBatchSize;
        txSlotSize = options.TxFrameSize > 0 ? options.TxFrameSize : mtu + 14 + 8;
        txDataArray = GC.AllocateUninitializedArray<byte>(checked(txSlotSize * txBatchSize), pinned: true);
        txMessagesArray = GC.AllocateArray<MMsgHdr>(txBatchSize, pinned: true);
        txIovArray = GC.AllocateArray<IoVec>(txBatchSize, pinned: true);
        txData = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(txDataArray));
        txMessages = (MMsgHdr*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(txMessagesArray));
        txIov = (IoVec*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(txIovArray));
        for (var i = 0; i < txBatchSize; i++)
        {
            // No destination address: a bound packet socket sends on its interface with its protocol.
            txIov[i].Base = txData + ((nint)i * txSlotSize);
            txMessages[i].Header.Iov = txIov + i;
            txMessages[i].Header.IovLength = 1;
        }
    }

    public string Name { get; }

    public int InterfaceIndex { get; }

    public MacAddress HardwareAddress { get; }

    public int Mtu { get; }

    /// <summary>The PACKET_FANOUT group this socket belongs to, or null when it has the interface to itself.</summary>
    public ushort? FanoutGroupId { get; private init; }

    /// <summary>Largest frame TrySend accepts.</summary>
    public int MaxTxFrameSize => txSlotSize;

    /// <summary>The receive ring in use.</summary>
    public AfPacketRing Ring => ringKind;

    /// <summary><see cref="AfPacketRing.Frames"/>: bytes per ring slot (0 for a block ring).</summary>
    public int FrameSlotSize => frameSize;

    public LinkCounters Counters
    {
        get
        {
            lock (statisticsLock)
            {
                RefreshKernelStatistics();
                return new LinkCounters
                {
                    Received = Volatile.Read(ref received),
                    ReceivedBytes = Volatile.Read(ref receivedBytes),
                    Sent = Volatile.Read(ref sent),
                    SentBytes = Volatile.Read(ref sentBytes),
                    SendFailures = Volatile.Read(ref sendFailures),
                    RxDropped = kernelDrops,
                    KernelPackets = kernelPackets,
                    RxRingFreezes = kernelFreezes,
                    IgnoredOutgoing = Volatile.Read(ref ignoredOutgoing),
                    Truncated = Volatile.Read(ref truncated),
                    ChecksumNotReady = Volatile.Read(ref checksumNotReady),
                    SocketErrors = Volatile.Read(ref socketErrors),
                    CopyFailures = Volatile.Read(ref copyFailures),
                    LastErrno = Volatile.Read(ref lastErrno),
                };
            }
        }
    }

    /// <summary>IPv4 addresses of an interface as (address in host byte order, e.g. 198.18.0.1 = 0xC6120001, prefix length).</summary>
    public static IReadOnlyList<(uint Address, int PrefixLength)> GetIpv4Addresses(string interfaceName) =>
        InterfaceQueries.GetIpv4Addresses(interfaceName);

    /// <summary>IPv6 addresses of an interface, link-local included, as (address, first wire byte most significant; prefix length).</summary>
    public static IReadOnlyList<(UInt128 Address, int PrefixLength)> GetIpv6Addresses(string interfaceName) =>
        InterfaceQueries.GetIpv6Addresses(interfaceName);

    /// <summary>Opens and binds a packet socket on <paramref name="interfaceName"/> in the calling thread's network namespace.</summary>
    public static AfPacketLink Open(string interfaceName, AfPacketOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var interfaceIndex = InterfaceQueries.GetIndex(interfaceName);

        // Protocol 0 receives nothing until bind names the protocol and the interface, so no frame of another
        // interface slips into the ring between socket() and bind().
        var socket = Libc.Socket(AfPacket, SockRaw | SockCloexec, 0);
        if (socket.IsInvalid)
        {
            var errno = Errno.Last;
            socket.Dispose();
            throw Errno.Exception("socket(AF_PACKET, SOCK_RAW)", interfaceName, errno);
        }

        try
        {
            // The MTU sizes the slots of a frame ring, so it is read before the ring exists.
            var mtu = InterfaceQueries.GetMtu(socket, interfaceName);
            var geometry = RingGeometry.For(options, mtu);
            var ring = options.Ring == AfPacketRing.Frames
                ? SetUpFrameRing(socket, interfaceName, geometry)
                : SetUpBlockRing(socket, interfaceName, options, geometry);

            if (options.IgnoreOutgoing)
            {
                // Older kernels (< 4.20) lack the option; Poll also skips PACKET_OUTGOING frames, so that is enough.
                var one = 1;
                if (Libc.SetSockOpt(socket, SolPacket, PacketIgnoreOutgoing, &one, sizeof(int)) != 0 && Errno.Last != ENoProtoOpt)
                {
                    throw Errno.LastException("setsockopt(PACKET_IGNORE_OUTGOING)", interfaceName);
                }
            }

            var address = new SockAddrLl
            {
                Family = AfPacket,
                ProtocolNetworkOrder = EthPAllNetworkOrder,
                InterfaceIndex = interfaceIndex,
            };
            if (Libc.Bind(socket, &address, (uint)sizeof(SockAddrLl)) != 0)
            {
                throw Errno.LastException("bind(AF_PACKET)", interfaceName);
            }

            // The kernel needs a bound socket before it joins a fanout group.
            var fanoutGroup = JoinFanout(socket, interfaceName, options);

            if (options.Promiscuous)
            {
                var membership = new PacketMreq { InterfaceIndex = interfaceIndex, Type = PacketMrPromisc };
                if (Libc.SetSockOpt(socket, SolPacket, PacketAddMembership, &membership, (uint)sizeof(PacketMreq)) != 0)
                {
                    throw Errno.LastException("setsockopt(PACKET_ADD_MEMBERSHIP, PACKET_MR_PROMISC)", interfaceName);
                }
            }

            if (options.AllMulticast)
            {
                var membership = new PacketMreq { InterfaceIndex = interfaceIndex, Type = PacketMrAllMulti };
                if (Libc.SetSockOpt(socket, SolPacket, PacketAddMembership, &membership, (uint)sizeof(PacketMreq)) != 0)
                {
                    throw Errno.LastException("setsockopt(PACKET_ADD_MEMBERSHIP, PACKET_MR_ALLMULTI)", interfaceName);
                }
            }

            var mac = InterfaceQueries.GetHardwareAddress(socket, interfaceName);
            return new AfPacketLink(interfaceName, interfaceIndex, mac, mtu, socket, (byte*)ring, options, geometry) { FanoutGroupId = fanoutGroup };
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The socket descriptor, for <see cref="LinkWaiter"/>; valid while the link is open.</summary>
    internal int Descriptor => socket.Descriptor;

    /// <summary>True when frames wait in the ring to be walked, so a wait on the socket would be wrong.</summary>
    internal bool HasReadyFrames => !disposed && IsReady();

    public int Poll(IFrameSink sink, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(disposed, this);

        var addedReference = false;
        socket.DangerousAddRef(ref addedReference);
        try
        {
            if (!IsReady())
            {
                if (timeoutMs == 0 || !WaitReadable(timeoutMs) || !IsReady())
                {
                    return 0;
                }
            }

            return ringKind == AfPacketRing.Frames ? WalkFrames(sink) : WalkBlocks(sink);
        }
        finally
        {
            if (addedReference)
            {
                socket.DangerousRelease();
            }
        }
    }

    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (frame.IsEmpty || frame.Length > txSlotSize)
        {
            sendFailures++;
            return false;
        }

        if (txCount == txBatchSize)
        {
            Flush();
        }

        frame.CopyTo(new Span<byte>(txData + ((nint)txCount * txSlotSize), txSlotSize));
        txIov[txCount].Length = (nuint)frame.Length;
        txCount++;
        return true;
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var count = txCount;
        var offset = 0;
        while (offset < count)
        {
            // Blocking send: when the socket buffer is full the worker waits for the device instead of dropping.
            var result = Libc.SendMmsg(socket, txMessages + offset, (uint)(count - offset), 0);
            if (result > 0)
            {
                for (var i = offset; i < offset + result; i++)
                {
                    sentBytes += (long)txIov[i].Length;
                }

                sent += result;
                offset += result;
                continue;
            }

            var errno = Errno.Last;
            if (errno == EIntr)
            {
                continue;
            }

            // The frame at offset was refused (e.g. EMSGSIZE, ENETDOWN, ENOBUFS): count it and go on with the rest.
            lastErrno = errno;
            sendFailures++;
            offset++;
        }

        txCount = 0;
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        lock (statisticsLock)
        {
            RefreshKernelStatistics();
        }

        socket.Dispose();
    }

    private int WalkFrames(IFrameSink sink)
    {
        // At most one lap per call, so a steady stream cannot keep the worker from flushing and from its other links.
        var delivered = 0;
        for (var walked = 0; walked < frameCount && IsSlotReady(currentFrame); walked++)
        {
            var slot = ring + ((nint)currentFrame * frameSize);
            try
            {
                if (DeliverSlot(slot, sink))
                {
                    delivered++;
                }
            }
            finally
            {
                // Release semantics: every read of the slot happens before the kernel may refill it.
                Volatile.Write(ref *(uint*)(slot + TPacket2Layout.Status), TpStatusKernel);
                currentFrame = currentFrame + 1 == frameCount ? 0 : currentFrame + 1;
            }
        }

        return delivered;
    }

    private int WalkBlocks(IFrameSink sink)
    {
        var delivered = 0;
        for (var walked = 0; walked < blockCount && IsBlockReady(currentBlock); walked++)
        {
            var block = ring + ((nint)currentBlock * blockSize);
            try
            {
                delivered += DeliverBlock(block, sink);
            }
            finally
            {
                // Release semantics: every read of the block happens before the kernel may refill it.
                Volatile.Write(ref *(uint*)(block + TPacketLayout.BlockStatus), TpStatusKernel);
                currentBlock = currentBlock + 1 == blockCount ? 0 : currentBlock + 1;
            }
        }

        return delivered;
    }

    private bool IsReady() => ringKind == AfPacketRing.Frames ? IsSlotReady(currentFrame) : IsBlockReady(currentBlock);

    private bool IsSlotReady(int slot) =>
        (Volatile.Read(ref *(uint*)(ring + ((nint)slot * frameSize) + TPacket2Layout.Status)) & TpStatusUser) != 0;

    private bool IsBlockReady(int block) =>
        (Volatile.Read(ref *(uint*)(ring + ((nint)block * blockSize) + TPacketLayout.BlockStatus)) & TpStatusUser) != 0;

    private bool WaitReadable(int timeoutMs)
    {
        var descriptor = new PollFd { Fd = socket.Descriptor, Events = PollIn | PollErr };
        var result = Libc.Poll(&descriptor, 1, timeoutMs);
        if (result < 0)
        {
            var errno = Errno.Last;
            if (errno == EIntr)
            {
                return false;
            }

            throw Errno.Exception("poll", Name, errno);
        }

        if (result > 0 && (descriptor.ReturnedEvents & PollErr) != 0)
        {
            // A pending socket error (ENETDOWN when the interface goes down) keeps poll returning at once;
            // reading SO_ERROR clears it so the next wait blocks again.
            var error = 0;
            var length = (uint)sizeof(int);
            _ = Libc.GetSockOpt(socket, SolSocket, SoError, &error, &length);
            socketErrors++;
            if (error != 0)
            {
                lastErrno = error;
            }
        }

        return result > 0;
    }

    private bool DeliverSlot(byte* slot, IFrameSink sink)
    {
        var status = *(uint*)(slot + TPacket2Layout.Status);
        var length = *(uint*)(slot + TPacket2Layout.Length);
        var snapLength = *(uint*)(slot + TPacket2Layout.SnapLength);
        var macOffset = *(ushort*)(slot + TPacket2Layout.MacOffset);
        var frame = slot + macOffset;
        if ((status & TpStatusCopy) != 0)
        {
            // The kernel queued the whole frame before it handed the slot over, and queues nothing else on a ring
            // socket, so the head of the receive queue is this frame. It is read even for a frame skipped below,
            // or the queue would fall out of step with the ring.
            var whole = Libc.Recv(socket, largeFrame, (nuint)largeFrameSize, MsgDontWait | MsgTrunc);
            if (whole >= 0)
            {
                frame = largeFrame;
                length = (uint)whole;
                snapLength = (uint)Math.Min(whole, largeFrameSize);
            }
            else
            {
                // Deliver the slot's cut copy; it is flagged truncated below.
                lastErrno = Errno.Last;
                copyFailures++;
            }
        }

        if (slot[TPacket2Layout.PacketType] == PacketOutgoing)
        {
            ignoredOutgoing++;
            return false;
        }

        if (frame != largeFrame && macOffset + snapLength > frameSize)
        {
            return false;
        }

        sink.OnFrame(new Span<byte>(frame, (int)snapLength), Classify(status, snapLength, length));
        return true;
    }

    private int DeliverBlock(byte* block, IFrameSink sink)
    {
        var packetCount = *(uint*)(block + TPacketLayout.BlockPacketCount);
        var offset = (long)*(uint*)(block + TPacketLayout.BlockFirstPacketOffset);
        var delivered = 0;
        for (uint i = 0; i < packetCount; i++)
        {
            if (offset + TPacketLayout.FrameHeaderWithAddress > blockSize)
            {
                break;
            }

            var header = block + offset;
            var nextOffset = *(uint*)(header + TPacketLayout.FrameNextOffset);
            var snapLength = *(uint*)(header + TPacketLayout.FrameSnapLength);
            var length = *(uint*)(header + TPacketLayout.FrameLength);
            var status = *(uint*)(header + TPacketLayout.FrameStatus);
            var macOffset = *(ushort*)(header + TPacketLayout.FrameMacOffset);

            if (header[TPacketLayout.FramePacketType] == PacketOutgoing)
            {
                ignoredOutgoing++;
            }
            else if (offset + macOffset + snapLength <= blockSize)
            {
                delivered++;
                sink.OnFrame(new Span<byte>(header + macOffset, (int)snapLength), Classify(status, snapLength, length));
            }

            if (nextOffset == 0)
            {
                break;
            }

            offset += nextOffset;
        }

        return delivered;
    }

    /// <summary>Maps a frame's ring status to <see cref="FrameFlags"/> and counts it as received.</summary>
    private FrameFlags Classify(uint status, uint snapLength, uint length)
    {
        var flags = FrameFlags.None;
        if ((status & TpStatusCsumNotReady) != 0)
        {
            flags |= FrameFlags.ChecksumNotReady;
            checksumNotReady++;
        }
        else if ((status & TpStatusCsumValid) != 0)
        {
            flags |= FrameFlags.ChecksumValid;
        }

        if (snapLength < length)
        {
            flags |= FrameFlags.Truncated;
            truncated++;
        }

        received++;
        receivedBytes += snapLength;
        return flags;
    }

    /// <summary>PACKET_STATISTICS resets on every read, so the totals are accumulated here (under statisticsLock).</summary>
    private void RefreshKernelStatistics()
    {
        if (socket.IsClosed)
        {
            return;
        }

        if (ringKind == AfPacketRing.Frames)
        {
            var statistics = default(TPacketStats);
            var length = (uint)sizeof(TPacketStats);
            if (Libc.GetSockOpt(socket, SolPacket, PacketStatistics, &statistics, &length) == 0)
            {
                kernelPackets += statistics.Packets;
                kernelDrops += statistics.Drops;
            }
        }
        else
        {
            var statistics = default(TPacketStatsV3);
            var length = (uint)sizeof(TPacketStatsV3);
            if (Libc.GetSockOpt(socket, SolPacket, PacketStatistics, &statistics, &length) == 0)
            {
                kernelPackets += statistics.Packets;
                kernelDrops += statistics.Drops;
                kernelFreezes += statistics.FreezeQueueCount;
            }
        }
    }

    /// <summary>
    /// Replaces the classic BPF program of this socket's PACKET_FANOUT_CBPF group (one program serves the whole group);
    /// frames in flight see the old or the new one.
    /// </summary>
    internal void SetFanoutProgram(ReadOnlySpan<ClassicBpfInstruction> program)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (FanoutGroupId is null)
        {
            throw new InvalidOperationException($"{Name}: the socket is in no fanout group.");
        }

        fixed (ClassicBpfInstruction* code = program)
        {
            var fprog = new SockFprog { Length = checked((ushort)program.Length), Filter = code };
            if (Libc.SetSockOpt(socket, SolPacket, PacketFanoutData, &fprog, (uint)sizeof(SockFprog)) != 0)
            {
                throw Errno.LastException("setsockopt(PACKET_FANOUT_DATA)", Name);
            }
        }
    }

    private static ushort? JoinFanout(SafePacketSocketHandle socket, string interfaceName, AfPacketOptions options)
    {
        if (options.FanoutGroupId is null && !options.CreateFanoutGroup)
        {
            return null;
        }

        var mode = options.FanoutMode == FanoutMode.Program ? PacketFanoutCbpf : PacketFanoutHash;
        var group = options.FanoutGroupId ?? 0;
        var unique = options.CreateFanoutGroup ? PacketFanoutFlagUniqueId : 0;

        // Frames the host's own stack sends need no worker; kernels before the flag refuse it, and then every
        // member joins without it (the group's flags must match).
        var value = group | ((mode | unique | PacketFanoutFlagIgnoreOutgoing) << 16);
        if (Libc.SetSockOpt(socket, SolPacket, PacketFanout, &value, sizeof(int)) != 0)
        {
            if (Errno.Last != EInval)
            {
                throw Errno.LastException("setsockopt(PACKET_FANOUT)", interfaceName);
            }

            SetIntOption(socket, interfaceName, PacketFanout, group | ((mode | unique) << 16), "setsockopt(PACKET_FANOUT)");
        }

        if (!options.CreateFanoutGroup)
        {
            return group;
        }

        // The kernel's choice of id reads back from the same option.
        var chosen = 0;
        var length = (uint)sizeof(int);
        if (Libc.GetSockOpt(socket, SolPacket, PacketFanout, &chosen, &length) != 0)
        {
            throw Errno.LastException("getsockopt(PACKET_FANOUT)", interfaceName);
        }

        return (ushort)(chosen & 0xFFFF);
    }

    private static nint SetUpFrameRing(SafePacketSocketHandle socket, string interfaceName, RingGeometry geometry)
    {
        RequestRing(socket, interfaceName, TpacketV2, new TPacketReq
        {
            BlockSize = (uint)geometry.BlockSize,
            BlockCount = (uint)geometry.BlockCount,
            FrameSize = (uint)geometry.FrameSize,
            FrameCount = (uint)geometry.FrameCount,
        });

        // A frame longer than a slot is then also queued whole on the socket, the slot marked TP_STATUS_COPY; without
        // it a GSO/GRO super-frame would only ever arrive cut to the slot.
        SetIntOption(socket, interfaceName, PacketCopyThresh, 1, "setsockopt(PACKET_COPY_THRESH)");

        // Those copies are charged to the receive buffer and skipped (the slot just cut) once it is full; the default
        // (about 200 KiB) holds only two or three 64 KiB frames waiting behind the ring. SO_RCVBUFFORCE needs
        // CAP_NET_ADMIN; without it SO_RCVBUF, capped by net.core.rmem_max, is the best there is. The kernel doubles
        // the value, so this allows as many bytes of copies as the ring holds (up to 64 MiB); none is reserved.
        var queueBytes = (int)(Math.Min(geometry.Bytes, 64 << 20) / 2);
        if (Libc.SetSockOpt(socket, SolSocket, SoRcvBufForce, &queueBytes, sizeof(int)) != 0)
        {
            _ = Libc.SetSockOpt(socket, SolSocket, SoRcvBuf, &queueBytes, sizeof(int));
        }

        return MapRing(socket, interfaceName, geometry);
    }

    private static nint SetUpBlockRing(SafePacketSocketHandle socket, string interfaceName, AfPacketOptions options, RingGeometry geometry)
    {
        RequestRing(socket, interfaceName, TpacketV3, new TPacketReq3
        {
            BlockSize = (uint)geometry.BlockSize,
            BlockCount = (uint)geometry.BlockCount,
            FrameSize = (uint)geometry.FrameSize,
            FrameCount = (uint)geometry.FrameCount,
            RetireBlockTimeoutMs = (uint)options.BlockRetireTimeoutMs,
        });
        return MapRing(socket, interfaceName, geometry);
    }

    /// <summary>Sets the socket's TPACKET version, which must come first, then asks for a receive ring of that version.</summary>
    private static void RequestRing<TRequest>(SafePacketSocketHandle socket, string interfaceName, int version, TRequest request)
        where TRequest : unmanaged
    {
        SetIntOption(socket, interfaceName, PacketVersion, version, "setsockopt(PACKET_VERSION)");
        if (Libc.SetSockOpt(socket, SolPacket, PacketRxRing, &request, (uint)sizeof(TRequest)) != 0)
        {
            throw Errno.LastException("setsockopt(PACKET_RX_RING)", interfaceName);
        }
    }

    private static nint MapRing(SafePacketSocketHandle socket, string interfaceName, RingGeometry geometry)
    {
        var ringLength = (nuint)geometry.Bytes;
        var ring = Libc.Mmap(0, ringLength, ProtRead | ProtWrite, MapShared | MapPopulate, socket, 0);
        if (ring == MapFailed)
        {
            throw Errno.LastException("mmap(packet ring)", interfaceName);
        }

        socket.AttachRing(ring, ringLength);
        return ring;
    }

    private static void SetIntOption(SafePacketSocketHandle socket, string interfaceName, int option, int value, string call)
    {
        if (Libc.SetSockOpt(socket, SolPacket, option, &value, sizeof(int)) != 0)
        {
            throw Errno.LastException(call, interfaceName);
        }
    }
}
