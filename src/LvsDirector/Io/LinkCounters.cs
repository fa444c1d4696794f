namespace LvsDirector.Io;

/// <summary>A point-in-time copy of a link's counters; all totals since the link was opened.</summary>
public readonly record struct LinkCounters
{
    /// <summary>Frames handed to a sink.</summary>
    public long Received { get; init; }

    public long ReceivedBytes { get; init; }

    /// <summary>Frames the kernel accepted for transmission (in-memory: frames flushed).</summary>
    public long Sent { get; init; }

    public long SentBytes { get; init; }

    /// <summary>Frames TrySend rejected plus frames the kernel refused during Flush.</summary>
    public long SendFailures { get; init; }

    /// <summary>Frames lost before delivery because the receive ring was full (PACKET_STATISTICS tp_drops).</summary>
    public long RxDropped { get; init; }

    /// <summary>Frames the kernel saw for this socket (PACKET_STATISTICS tp_packets); 0 for in-memory links.</summary>
    public long KernelPackets { get; init; }

    /// <summary>Times the kernel froze the ring because user space fell behind (tp_freeze_q_cnt).</summary>
    public long RxRingFreezes { get; init; }

    /// <summary>Frames this host transmitted on the interface that reached the ring anyway and were skipped.</summary>
    public long IgnoredOutgoing { get; init; }

    /// <summary>Delivered frames flagged <see cref="FrameFlags.Truncated"/>.</summary>
    public long Truncated { get; init; }

    /// <summary>Delivered frames flagged <see cref="FrameFlags.ChecksumNotReady"/>.</summary>
    public long ChecksumNotReady { get; init; }

    /// <summary>Socket errors reported through poll (e.g. ENETDOWN while the interface was down).</summary>
    public long SocketErrors { get; init; }

    /// <summary>Frames longer than a ring slot whose whole copy could not be read from the socket (delivered cut instead).</summary>
    public long CopyFailures { get; init; }

    /// <summary>errno of the most recent failed send or socket error; 0 if none.</summary>
    public int LastErrno { get; init; }
}
