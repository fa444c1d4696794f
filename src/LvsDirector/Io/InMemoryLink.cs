using LvsDirector.Packets;

namespace LvsDirector.Io;

/// <summary>
/// A link backed by two preallocated rings, for unit tests and benchmarks. Frames are injected into the receive
/// ring (<see cref="Inject"/>) and read back from the transmit ring (<see cref="TryTakeSent"/>) once flushed.
/// Each ring is single-producer/single-consumer: one thread may inject while the worker polls, and one thread may
/// take sent frames while the worker sends. Nothing is allocated per frame.
/// </summary>
public sealed class InMemoryLink : ILink
{
    private readonly int maxFrameSize;

    private readonly byte[] rxData;
    private readonly int[] rxLengths;
    private readonly FrameFlags[] rxFlags;
    private readonly ManualResetEventSlim rxReady = new(false);
    private long rxHead;
    private long rxTail;

    private readonly byte[] txData;
    private readonly int[] txLengths;
    private long txHead;
    private long txFlushed;
    private long txTail;

    private long received;
    private long receivedBytes;
    private long sent;
    private long sentBytes;
    private long sendFailures;
    private long rxDropped;
    private long truncated;
    private long checksumNotReady;
    private bool disposed;

    public InMemoryLink(string name, MacAddress hardwareAddress, int mtu, int rxCapacity, int txCapacity, int maxFrameSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mtu);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rxCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(txCapacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameSize);

        Name = name;
        HardwareAddress = hardwareAddress;
        Mtu = mtu;
        RxCapacity = rxCapacity;
        TxCapacity = txCapacity;
        this.maxFrameSize = maxFrameSize;
        rxData = new byte[checked(rxCapacity * maxFrameSize)];
        rxLengths = new int[rxCapacity];
        rxFlags = new FrameFlags[rxCapacity];
        txData = new byte[checked(txCapacity * maxFrameSize)];
        txLengths = new int[txCapacity];
    }

    public string Name { get; }

    public int InterfaceIndex { get; init; } = 1;

    public MacAddress HardwareAddress { get; }

    public int Mtu { get; }

    public int RxCapacity { get; }

    public int TxCapacity { get; }

    public int MaxFrameSize => maxFrameSize;

    /// <summary>When true, Flush counts frames as sent and drops them instead of keeping them for TryTakeSent.</summary>
    public bool DiscardSent { get; set; }

    /// <summary>Frames injected and not yet delivered by Poll.</summary>
    public int PendingReceiveCount => (int)(Volatile.Read(ref rxTail) - Volatile.Read(ref rxHead));

    /// <summary>Frames queued by TrySend and not yet flushed.</summary>
    public int PendingSendCount => (int)(txTail - Volatile.Read(ref txFlushed));

    /// <summary>Frames flushed and not yet taken with TryTakeSent/TakeSent.</summary>
    public int SentCount => (int)(Volatile.Read(ref txFlushed) - Volatile.Read(ref txHead));

    public LinkCounters Counters => new()
    {
        Received = Volatile.Read(ref received),
        ReceivedBytes = Volatile.Read(ref receivedBytes),
        Sent = Volatile.Read(ref sent),
        SentBytes = Volatile.Read(ref sentBytes),
        SendFailures = Volatile.Read(ref sendFailures),
        RxDropped = Volatile.Read(ref rxDropped),
        Truncated = Volatile.Read(ref truncated),
        ChecksumNotReady = Volatile.Read(ref checksumNotReady),
    };

    /// <summary>Copies a frame into the receive ring; false (counted as RxDropped) when full or too large.</summary>
    public bool Inject(ReadOnlySpan<byte> frame, FrameFlags flags = FrameFlags.None)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var tail = rxTail;
        if (frame.Length > maxFrameSize || tail - Volatile.Read(ref rxHead) >= RxCapacity)
        {
            rxDropped++;
            return false;
        }

        var slot = (int)(tail % RxCapacity);
        frame.CopyTo(rxData.AsSpan(slot * maxFrameSize, maxFrameSize));
        rxLengths[slot] = frame.Length;
        rxFlags[slot] = flags;
        Volatile.Write(ref rxTail, tail + 1);
        rxReady.Set();
        return true;
    }

    public int Poll(IFrameSink sink, int timeoutMs)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(disposed, this);

        var head = rxHead;
        var tail = Volatile.Read(ref rxTail);
        if (head == tail)
        {
            if (timeoutMs == 0)
            {
                return 0;
            }

            // Reset before the re-check so an Inject racing with us either is seen now or sets the event again.
            rxReady.Reset();
            tail = Volatile.Read(ref rxTail);
            if (head == tail)
            {
                rxReady.Wait(timeoutMs);
                tail = Volatile.Read(ref rxTail);
                if (head == tail)
                {
                    return 0;
                }
            }
        }

        var delivered = 0;
        for (; head != tail; head++)
        {
            var slot = (int)(head % RxCapacity);
            var length = rxLengths[slot];
            var flags = rxFlags[slot];
            try
            {
                sink.OnFrame(rxData.AsSpan(slot * maxFrameSize, length), flags);
            }
            finally
            {
                // The slot stays ours until the sink returns; only then may the producer reuse it.
                Volatile.Write(ref rxHead, head + 1);
            }

            delivered++;
            received++;
            receivedBytes += length;
            if ((flags & FrameFlags.Truncated) != 0)
            {
                truncated++;
            }

            if ((flags & FrameFlags.ChecksumNotReady) != 0)
            {
                checksumNotReady++;
            }
        }

        return delivered;
    }

    public bool TrySend(ReadOnlySpan<byte> frame)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var tail = txTail;
        if (frame.Length > maxFrameSize || tail - Volatile.Read(ref txHead) >= TxCapacity)
        {
            sendFailures++;
            return false;
        }

        var slot = (int)(tail % TxCapacity);
        frame.CopyTo(txData.AsSpan(slot * maxFrameSize, maxFrameSize));
        txLengths[slot] = frame.Length;
        txTail = tail + 1;
        return true;
    }

    public void Flush()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var tail = txTail;
        for (var i = txFlushed; i < tail; i++)
        {
            sentBytes += txLengths[(int)(i % TxCapacity)];
        }

        sent += tail - txFlushed;
        if (DiscardSent)
        {
            // No consumer in this mode, so the producer may release the slots itself.
            Volatile.Write(ref txHead, tail);
        }

        Volatile.Write(ref txFlushed, tail);
    }

    /// <summary>Copies the oldest flushed frame into <paramref name="destination"/> and releases its slot.</summary>
    public bool TryTakeSent(Span<byte> destination, out int length)
    {
        var head = txHead;
        if (head == Volatile.Read(ref txFlushed))
        {
            length = 0;
            return false;
        }

        var slot = (int)(head % TxCapacity);
        length = txLengths[slot];
        if (destination.Length < length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} bytes; the next sent frame has {length}.", nameof(destination));
        }

        txData.AsSpan(slot * maxFrameSize, length).CopyTo(destination);
        Volatile.Write(ref txHead, head + 1);
        return true;
    }

    /// <summary>Test convenience: the oldest flushed frame as a new array.</summary>
    public byte[] TakeSent()
    {
        var buffer = new byte[maxFrameSize];
        if (!TryTakeSent(buffer, out var length))
        {
            throw new InvalidOperationException($"No sent frame is waiting on link '{Name}'.");
        }

        return buffer.AsSpan(0, length).ToArray();
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            rxReady.Dispose();
        }
    }
}
