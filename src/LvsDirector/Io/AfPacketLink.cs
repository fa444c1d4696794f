using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LvsDirector.Interop.Linux;
using LvsDirector.Packets;
using static LvsDirector.Interop.Linux.LinuxConstants;

namespace LvsDirector.Io;

/// <summary>
/// An AF_PACKET socket bound to one interface. Receive goes through a memory-mapped TPACKET_V3 ring (frames are
/// handed to the sink in place, no copies); transmit copies frames into preallocated slots and sends each batch
/// with one sendmmsg call.
/// </summary>
/// <remarks>
/// Why sendmmsg and not a PACKET_TX_RING: the socket already uses TPACKET_V3 for its receive ring and a socket has
/// one version for both rings; a V3 tx ring only works in fixed-frame mode, so it would save nothing over copying
/// into our own slots, while sendmmsg reports per-frame errors and needs no second mapping or status polling.
/// Both cost one system call per batch.
/// </remarks>
public sealed unsafe class AfPacketLink : ILink
{
    private readonly SafePacketSocketHandle socket;
    private readonly byte* ring;
    private readonly int blockSize;
    private readonly int blockCount;
    private int currentBlock;

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
    private int lastErrno;
    private long kernelPackets;
    private long kernelDrops;
    private long kernelFreezes;
    private bool disposed;

    private AfPacketLink(
        string name, int interfaceIndex, MacAddress hardwareAddress, int mtu,
        SafePacketSocketHandle socket, byte* ring, AfPacketOptions options)
    {
        Name = name;
        InterfaceIndex = interfaceIndex;
        HardwareAddress = hardwareAddress;
        Mtu = mtu;
        this.socket = socket;
        this.ring = ring;
        blockSize = options.BlockSize;
        blockCount = options.BlockCount;

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
            SetIntOption(socket, interfaceName, PacketVersion, TpacketV3, "setsockopt(PACKET_VERSION, TPACKET_V3)");

            var request = new TPacketReq3
            {
                BlockSize = (uint)options.BlockSize,
                BlockCount = (uint)options.BlockCount,
                FrameSize = (uint)options.FrameSize,
                FrameCount = (uint)(options.BlockSize / options.FrameSize * options.BlockCount),
                RetireBlockTimeoutMs = (uint)options.BlockRetireTimeoutMs,
            };
            if (Libc.SetSockOpt(socket, SolPacket, PacketRxRing, &request, (uint)sizeof(TPacketReq3)) != 0)
            {
                throw Errno.LastException("setsockopt(PACKET_RX_RING)", interfaceName);
            }

            var ringLength = (nuint)((long)options.BlockSize * options.BlockCount);
            var ring = Libc.Mmap(0, ringLength, ProtRead | ProtWrite, MapShared | MapPopulate, socket, 0);
            if (ring == MapFailed)
            {
                throw Errno.LastException("mmap(packet ring)", interfaceName);
            }

            socket.AttachRing(ring, ringLength);

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
            var mtu = InterfaceQueries.GetMtu(socket, interfaceName);
            return new AfPacketLink(interfaceName, interfaceIndex, mac, mtu, socket, (byte*)ring, options) { FanoutGroupId = fanoutGroup };
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The socket descriptor, for <see cref="LinkWaiter"/>; valid while the link is open.</summary>
    internal int Descriptor => socket.Descriptor;

    /// <summary>True when a retired ring block waits to be walked, so a wait on the socket would be wrong.</summary>
    internal bool HasReadyBlock => !disposed && IsBlockReady(currentBlock);

    public int Poll(IFrameSink sink, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(disposed, this);

        var addedReference = false;
        socket.DangerousAddRef(ref addedReference);
        try
        {
            if (!IsBlockReady(currentBlock))
            {
                if (timeoutMs == 0 || !WaitReadable(timeoutMs) || !IsBlockReady(currentBlock))
                {
                    return 0;
                }
            }

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
                delivered++;
                sink.OnFrame(new Span<byte>(header + macOffset, (int)snapLength), flags);
            }

            if (nextOffset == 0)
            {
                break;
            }

            offset += nextOffset;
        }

        return delivered;
    }

    /// <summary>PACKET_STATISTICS resets on every read, so the totals are accumulated here (under statisticsLock).</summary>
    private void RefreshKernelStatistics()
    {
        if (socket.IsClosed)
        {
            return;
        }

        var statistics = default(TPacketStatsV3);
        var length = (uint)sizeof(TPacketStatsV3);
        if (Libc.GetSockOpt(socket, SolPacket, PacketStatistics, &statistics, &length) == 0)
        {
            kernelPackets += statistics.Packets;
            kernelDrops += statistics.Drops;
            kernelFreezes += statistics.FreezeQueueCount;
        }
    }

    /// <summary>
    /// Replaces the classic BPF program of this socket's PACKET_FANOUT_CBPF group (one program serves the whole group);
    /// frames in flight see the old or the new one.
    /// </summary>
    internal void SetFanoutProgram(ReadOnlySpan<SockFilter> program)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (FanoutGroupId is null)
        {
            throw new InvalidOperationException($"{Name}: the socket is in no fanout group.");
        }

        fixed (SockFilter* code = program)
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

    private static void SetIntOption(SafePacketSocketHandle socket, string interfaceName, int option, int value, string call)
    {
        if (Libc.SetSockOpt(socket, SolPacket, option, &value, sizeof(int)) != 0)
        {
            throw Errno.LastException(call, interfaceName);
        }
    }
}
