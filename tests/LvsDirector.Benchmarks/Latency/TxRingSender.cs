using LvsDirector.Interop.Linux;
using static LvsDirector.Interop.Linux.LinuxConstants;

namespace LvsDirector.Benchmarks.Latency;

/// <summary>
/// A TPACKET_V2 PACKET_TX_RING sender, the candidate against AfPacketLink's sendmmsg: frames are copied into ring
/// slots marked TP_STATUS_SEND_REQUEST and one send() hands every marked slot to the kernel, which builds skbs whose
/// pages point into the ring (no second copy) and marks each slot available again when its skb is freed.
/// </summary>
internal sealed unsafe class TxRingSender : IDisposable
{
    private const int FrameSize = 2048;
    private const int FrameCount = 256;
    private const int BlockSize = 64 * 1024;
    private const uint StatusAvailable = 0;
    private const uint StatusSendRequest = 1;

    // TPACKET2_HDRLEN - sizeof(struct sockaddr_ll): where tpacket_snd reads the frame without PACKET_TX_HAS_OFF.
    private const int DataOffset = 32;

    private readonly SafePacketSocketHandle socket;
    private readonly byte* ring;
    private int current;
    private int queued;

    private TxRingSender(SafePacketSocketHandle socket, byte* ring)
    {
        this.socket = socket;
        this.ring = ring;
    }

    public long Sent { get; private set; }

    public long Failures { get; private set; }

    public static TxRingSender Open(string interfaceName, bool qdiscBypass)
    {
        var index = (int)Libc.IfNameToIndex(interfaceName);
        var socket = Libc.Socket(AfPacket, SockRaw | SockCloexec, 0);
        if (socket.IsInvalid)
        {
            throw new IOException("socket: " + Errno.Describe(Errno.Last));
        }

        try
        {
            var version = TpacketV2;
            Check(Libc.SetSockOpt(socket, SolPacket, PacketVersion, &version, sizeof(int)), "PACKET_VERSION");
            var request = new TPacketReq { BlockSize = BlockSize, BlockCount = FrameCount * FrameSize / BlockSize, FrameSize = FrameSize, FrameCount = FrameCount };
            Check(Libc.SetSockOpt(socket, SolPacket, 13 /* PACKET_TX_RING */, &request, (uint)sizeof(TPacketReq)), "PACKET_TX_RING");
            if (qdiscBypass)
            {
                var one = 1;
                Check(Libc.SetSockOpt(socket, SolPacket, PacketQdiscBypass, &one, sizeof(int)), "PACKET_QDISC_BYPASS");
            }

            var length = (nuint)(FrameCount * FrameSize);
            var ring = Libc.Mmap(0, length, ProtRead | ProtWrite, MapShared | MapPopulate, socket, 0);
            if (ring == MapFailed)
            {
                throw new IOException("mmap: " + Errno.Describe(Errno.Last));
            }

            socket.AttachRing(ring, length);

            // Protocol 0: the socket transmits on the interface and receives nothing.
            var address = new SockAddrLl { Family = AfPacket, InterfaceIndex = index };
            Check(Libc.Bind(socket, &address, (uint)sizeof(SockAddrLl)), "bind");
            return new TxRingSender(socket, (byte*)ring);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public void TrySend(ReadOnlySpan<byte> frame)
    {
        var slot = ring + ((nint)current * FrameSize);
        while (Volatile.Read(ref *(uint*)slot) != StatusAvailable)
        {
            // Every slot is in flight: hand the queued ones over, then wait for the kernel to free this one.
            Flush();
            Thread.SpinWait(10);
        }

        frame.CopyTo(new Span<byte>(slot + DataOffset, FrameSize - DataOffset));
        *(uint*)(slot + 4) = (uint)frame.Length;
        Volatile.Write(ref *(uint*)slot, StatusSendRequest);
        current = current + 1 == FrameCount ? 0 : current + 1;
        queued++;
    }

    public void Flush()
    {
        if (queued == 0)
        {
            return;
        }

        // No data in the message: tpacket_snd sends every slot marked for sending, and waits until they are out.
        var message = default(MMsgHdr);
        if (Libc.SendMmsg(socket, &message, 1, 0) < 0)
        {
            Failures++;
        }

        Sent += queued;
        queued = 0;
    }

    public void Dispose() => socket.Dispose();

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new IOException(call + ": " + Errno.Describe(Errno.Last));
        }
    }
}
