namespace LvsDirector.DataPath;

/// <summary>
/// Keeps the fragments of a datagram on the connection its first fragment chose, without reassembling: a bounded,
/// preallocated cache from the datagram's key to the first fragment's ports, plus a few slots that hold later fragments
/// arriving before their first one. One per worker and family, used only by its thread; no allocation after
/// construction.
/// </summary>
/// <typeparam name="TKey">
/// What identifies a datagram: <see cref="FragmentKey"/> for IPv4 (source, destination, protocol, 16-bit id; RFC 791),
/// <see cref="Ipv6FragmentKey"/> for IPv6 (source, destination, 32-bit id; RFC 8200). Its GetHashCode picks the bucket.
/// </typeparam>
/// <remarks>
/// The cache is set-associative (4 ways per bucket), so a lookup touches one cache line or two and a bucket full of
/// live flows refuses a new one instead of evicting a datagram in flight. A flow is freed as soon as all its payload
/// bytes were seen (the last fragment gives the total) or when it expires, a fixed time after its first fragment. IPVS
/// itself never sees fragments (netfilter reassembles before it); reassembly here would cost a copy of every datagram
/// and a buffer per flow, the cache costs neither.
/// </remarks>
internal abstract class FragmentTracker<TKey>
    where TKey : struct, IEquatable<TKey>
{
    public const int DefaultBuckets = 1024;
    public const int DefaultHeldSlots = 64;
    public const int DefaultHeldSlotBytes = 2048;
    public const long DefaultTimeoutMs = 2000;
    public const int Ways = 4;

    private readonly FragmentFlow<TKey>[] _flows;
    private readonly int _bucketMask;
    private readonly long _timeoutMs;
    private readonly byte[] _held;
    private readonly TKey[] _heldKeys;
    private readonly int[] _heldLengths;
    private readonly long[] _heldExpiresAtMs;
    private readonly int _heldSlotBytes;
    private int _heldCount;

    protected FragmentTracker(
        int buckets = DefaultBuckets, int heldSlots = DefaultHeldSlots, int heldSlotBytes = DefaultHeldSlotBytes, long timeoutMs = DefaultTimeoutMs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(heldSlots);
        ArgumentOutOfRangeException.ThrowIfLessThan(heldSlotBytes, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(timeoutMs, 1);
        if ((buckets & (buckets - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(buckets), buckets, "must be a power of two");
        }

        _flows = new FragmentFlow<TKey>[buckets * Ways];
        _bucketMask = buckets - 1;
        _timeoutMs = timeoutMs;
        _held = new byte[heldSlots * heldSlotBytes];
        _heldKeys = new TKey[heldSlots];
        _heldLengths = new int[heldSlots];
        _heldExpiresAtMs = new long[heldSlots];
        _heldSlotBytes = heldSlotBytes;
    }

    /// <summary>How many datagrams can be tracked at once.</summary>
    public int Capacity => _flows.Length;

    public long TimeoutMs => _timeoutMs;

    /// <summary>Later fragments waiting for their first one.</summary>
    public int HeldCount => _heldCount;

    public int HeldCapacity => _heldLengths.Length;

    /// <summary>Flows alive at <paramref name="nowMs"/> (a scan; for tests and diagnostics).</summary>
    public int ActiveCount(long nowMs)
    {
        var count = 0;
        foreach (ref readonly var flow in _flows.AsSpan())
        {
            if (flow.InUse && flow.ExpiresAtMs > nowMs)
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>
    /// Records the first fragment of a datagram (or refreshes a flow with the same key, e.g. after an IP id wrapped).
    /// Returns the slot, or -1 when its bucket is full of live flows.
    /// </summary>
    public int RecordFirst(in TKey key, ushort sourcePort, ushort destinationPort, byte tcpFlags, int payloadLength, long nowMs)
    {
        int start = Bucket(in key) * Ways;
        int free = -1;
        for (int slot = start; slot < start + Ways; slot++)
        {
            ref var flow = ref _flows[slot];
            bool live = flow.InUse && flow.ExpiresAtMs > nowMs;
            if (live && flow.Key.Equals(key))
            {
                free = slot;
                break;
            }

            if (!live && free < 0)
            {
                free = slot;
            }
        }

        if (free < 0)
        {
            return -1;
        }

        ref var entry = ref _flows[free];
        entry.Key = key;
        entry.SourcePort = sourcePort;
        entry.DestinationPort = destinationPort;
        entry.TcpFlags = tcpFlags;
        entry.Covered = payloadLength;
        entry.Total = -1;
        entry.ExpiresAtMs = nowMs + _timeoutMs;
        entry.InUse = true;
        return free;
    }

    /// <summary>The live flow of <paramref name="key"/>, or -1.</summary>
    public int Find(in TKey key, long nowMs)
    {
        int start = Bucket(in key) * Ways;
        for (int slot = start; slot < start + Ways; slot++)
        {
            ref readonly var flow = ref _flows[slot];
            if (flow.InUse && flow.Key.Equals(key))
            {
                return flow.ExpiresAtMs > nowMs ? slot : -1;
            }
        }

        return -1;
    }

    public ref readonly FragmentFlow<TKey> this[int slot] => ref _flows[slot];

    /// <summary>Counts a later fragment's payload against its flow, freeing the flow once the whole datagram went through.</summary>
    public void Account(int slot, int fragmentOffset, int payloadLength, bool isLast)
    {
        ref var flow = ref _flows[slot];
        flow.Covered += payloadLength;
        if (isLast)
        {
            flow.Total = fragmentOffset + payloadLength;
        }

        if (flow.Total >= 0 && flow.Covered >= flow.Total)
        {
            flow.InUse = false;
        }
    }

    /// <summary>Copies a later fragment that arrived before its first one into a free hold slot.</summary>
    public FragmentHoldResult Hold(in TKey key, ReadOnlySpan<byte> frame, long nowMs)
    {
        if (frame.Length > _heldSlotBytes)
        {
            return FragmentHoldResult.TooLarge;
        }

        for (int slot = 0; slot < _heldLengths.Length; slot++)
        {
            if (_heldLengths[slot] == 0)
            {
                frame.CopyTo(_held.AsSpan(slot * _heldSlotBytes, _heldSlotBytes));
                _heldKeys[slot] = key;
                _heldLengths[slot] = frame.Length;
                _heldExpiresAtMs[slot] = nowMs + _timeoutMs;
                _heldCount++;
                return FragmentHoldResult.Held;
            }
        }

        return FragmentHoldResult.Full;
    }

    /// <summary>The next held fragment of <paramref name="key"/> at or after slot <paramref name="start"/>, or -1.</summary>
    public int NextHeld(in TKey key, int start)
    {
        if (_heldCount == 0)
        {
            return -1;
        }

        for (int slot = Math.Max(0, start); slot < _heldLengths.Length; slot++)
        {
            if (_heldLengths[slot] != 0 && _heldKeys[slot].Equals(key))
            {
                return slot;
            }
        }

        return -1;
    }

    /// <summary>The bytes of a held fragment; valid until <see cref="ReleaseHeld"/>.</summary>
    public Span<byte> HeldFrame(int slot) => _held.AsSpan(slot * _heldSlotBytes, _heldLengths[slot]);

    public void ReleaseHeld(int slot)
    {
        if (_heldLengths[slot] != 0)
        {
            _heldLengths[slot] = 0;
            _heldCount--;
        }
    }

    /// <summary>Frees held fragments whose first fragment did not come in time; returns how many were dropped.</summary>
    public int ExpireHeld(long nowMs)
    {
        if (_heldCount == 0)
        {
            return 0;
        }

        var expired = 0;
        for (int slot = 0; slot < _heldLengths.Length; slot++)
        {
            if (_heldLengths[slot] != 0 && _heldExpiresAtMs[slot] <= nowMs)
            {
                ReleaseHeld(slot);
                expired++;
            }
        }

        return expired;
    }

    private int Bucket(in TKey key) => key.GetHashCode() & _bucketMask;
}
