using LvsDirector.Packets;

namespace LvsDirector.Neighbors;

/// <summary>
/// The ARP cache of one link, owned by one packet worker (no locks). lvsd resolves real servers and
/// clients itself because the director's kernel must not route VIP traffic. An entry stays usable for
/// a grace period after it expires while it is re-probed, like the kernel's STALE state, so a busy flow
/// never stalls on a refresh. While unresolved, one frame per neighbour is held in a preallocated slot.
/// </summary>
public sealed class NeighborTable
{
    private readonly NeighborEntry[] _entries;
    private readonly int _mask;
    private readonly long _reachableMs;
    private readonly long _retryMs;
    private readonly int _maxProbes;
    private readonly byte[] _heldFrames;
    private readonly int[] _heldLengths;
    private readonly int _holdFrameSize;
    private readonly Stack<int> _freeHoldSlots;
    private int _count;

    public NeighborTable(int capacity = 4096, long reachableMs = 60_000, long retryMs = 1_000, int maxProbes = 3, int holdSlots = 64, int holdFrameSize = 2048)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2);
        _entries = new NeighborEntry[size];
        _mask = size - 1;
        Capacity = capacity;
        _reachableMs = reachableMs;
        _retryMs = retryMs;
        _maxProbes = maxProbes;
        _holdFrameSize = holdFrameSize;
        _heldFrames = new byte[holdSlots * holdFrameSize];
        _heldLengths = new int[holdSlots];
        _freeHoldSlots = new Stack<int>(holdSlots);
        for (var i = holdSlots - 1; i >= 0; i--)
        {
            _freeHoldSlots.Push(i);
        }
    }

    public int Capacity { get; }

    public int Count => _count;

    /// <summary>
    /// Returns the MAC if known and still usable. An unknown address gets an entry so the next
    /// <see cref="CollectProbes"/> asks for it; false means the caller must hold or drop the frame.
    /// </summary>
    public bool TryResolve(uint address, long nowMs, out MacAddress mac)
    {
        var slot = FindOrAdd(address);
        if (slot < 0)
        {
            mac = default;
            return false;
        }

        ref var e = ref _entries[slot];
        if (e.Resolved && nowMs < e.ReachableUntilMs + (_retryMs * _maxProbes))
        {
            mac = e.Mac;
            return true;
        }

        e.Resolved = false;
        mac = default;
        return false;
    }

    /// <summary>Records what an ARP request or reply told us; returns true if a held frame now waits to go.</summary>
    public bool Learn(uint address, MacAddress mac, long nowMs, bool create)
    {
        var slot = create ? FindOrAdd(address) : Find(address);
        if (slot < 0)
        {
            return false;
        }

        ref var e = ref _entries[slot];
        e.Mac = mac;
        e.Resolved = true;
        e.ReachableUntilMs = nowMs + _reachableMs;
        e.ProbesSinceAnswer = 0;
        return e.HeldSlot >= 0;
    }

    /// <summary>Keeps a copy of one frame until the neighbour resolves; false when it cannot be held.</summary>
    public bool TryHold(uint address, ReadOnlySpan<byte> frame)
    {
        var slot = Find(address);
        if (slot < 0 || frame.Length > _holdFrameSize)
        {
            return false;
        }

        ref var e = ref _entries[slot];
        if (e.HeldSlot < 0)
        {
            if (!_freeHoldSlots.TryPop(out var hold))
            {
                return false;
            }

            e.HeldSlot = hold;
        }

        frame.CopyTo(_heldFrames.AsSpan(e.HeldSlot * _holdFrameSize, _holdFrameSize));
        _heldLengths[e.HeldSlot] = frame.Length;
        return true;
    }

    /// <summary>Hands back the frame held for a now-resolved neighbour; the span is valid until the next call.</summary>
    public bool TryTakeHeld(uint address, out Span<byte> frame, out MacAddress mac)
    {
        var slot = Find(address);
        if (slot < 0 || _entries[slot].HeldSlot < 0 || !_entries[slot].Resolved)
        {
            frame = default;
            mac = default;
            return false;
        }

        ref var e = ref _entries[slot];
        frame = _heldFrames.AsSpan(e.HeldSlot * _holdFrameSize, _heldLengths[e.HeldSlot]);
        mac = e.Mac;
        _freeHoldSlots.Push(e.HeldSlot);
        e.HeldSlot = -1;
        return true;
    }

    /// <summary>
    /// Fills <paramref name="targets"/> with addresses to ARP for now: unresolved ones once per retry
    /// interval, resolved ones when they are due for a refresh. Entries that stayed unanswered for
    /// several probes and hold nothing are forgotten so the table does not fill with dead addresses.
    /// </summary>
    public int CollectProbes(long nowMs, Span<uint> targets)
    {
        var n = 0;
        for (var i = 0; i < _entries.Length && n < targets.Length; i++)
        {
            ref var e = ref _entries[i];
            if (!e.InUse)
            {
                continue;
            }

            var due = !e.Resolved || nowMs >= e.ReachableUntilMs;
            if (!due || nowMs - e.LastProbeMs < _retryMs)
            {
                continue;
            }

            if (e.ProbesSinceAnswer >= _maxProbes * 4 && e.HeldSlot < 0)
            {
                RemoveAt(i);
                continue;
            }

            e.LastProbeMs = nowMs;
            e.ProbesSinceAnswer++;
            targets[n++] = e.Address;
        }

        return n;
    }

    /// <summary>Makes sure an address is being resolved (e.g. a real server just added).</summary>
    public void Want(uint address) => FindOrAdd(address);

    private int Find(uint address)
    {
        var i = Hash(address);
        for (var probe = 0; probe <= _mask; probe++, i = (i + 1) & _mask)
        {
            ref var e = ref _entries[i];
            if (!e.InUse)
            {
                return -1;
            }

            if (e.Address == address)
            {
                return i;
            }
        }

        return -1;
    }

    private int FindOrAdd(uint address)
    {
        var i = Hash(address);
        for (var probe = 0; probe <= _mask; probe++, i = (i + 1) & _mask)
        {
            ref var e = ref _entries[i];
            if (e.InUse && e.Address == address)
            {
                return i;
            }

            if (!e.InUse)
            {
                if (_count >= Capacity)
                {
                    return -1;
                }

                e = new NeighborEntry { Address = address, InUse = true, HeldSlot = -1, LastProbeMs = long.MinValue / 2 };
                _count++;
                return i;
            }
        }

        return -1;
    }

    // Backward-shift deletion keeps linear probing correct without tombstones.
    private void RemoveAt(int slot)
    {
        _entries[slot] = default;
        _count--;
        var i = (slot + 1) & _mask;
        while (_entries[i].InUse)
        {
            var entry = _entries[i];
            _entries[i] = default;
            _count--;
            var j = Hash(entry.Address);
            while (_entries[j].InUse)
            {
                j = (j + 1) & _mask;
            }

            _entries[j] = entry;
            _count++;
            i = (i + 1) & _mask;
        }
    }

    private int Hash(uint address) => (int)((address * 0x9E3779B1u) >> 8) & _mask;
}
