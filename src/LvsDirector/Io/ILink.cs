using LvsDirector.Packets;

namespace LvsDirector.Io;

/// <summary>
/// One network interface as seen by a packet worker: batched receive into a sink, queued transmit flushed in
/// batches. An instance is used by one worker thread at a time (Poll, TrySend, Flush); Counters may be read from
/// any thread.
/// </summary>
public interface ILink : IDisposable
{
    string Name { get; }

    int InterfaceIndex { get; }

    MacAddress HardwareAddress { get; }

    int Mtu { get; }

    /// <summary>Snapshot of the link's counters.</summary>
    LinkCounters Counters { get; }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> (0: do not wait, negative: wait indefinitely) for frames, hands every
    /// ready frame to <paramref name="sink"/> and returns how many were delivered (0 on timeout).
    /// </summary>
    int Poll(IFrameSink sink, int timeoutMs);

    /// <summary>
    /// Queues one frame (copied) for transmission. Returns false, and counts a send failure, when the frame cannot
    /// be queued (too large for a tx slot, or the queue is full and the link cannot drain it by itself).
    /// </summary>
    bool TrySend(ReadOnlySpan<byte> frame);

    /// <summary>Transmits everything queued, one system call per batch where possible.</summary>
    void Flush();
}
