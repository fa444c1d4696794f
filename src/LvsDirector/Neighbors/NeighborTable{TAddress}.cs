using System.Runtime.CompilerServices;
using LvsDirector.Packets;

namespace LvsDirector.Neighbors;

/// <summary>
/// The neighbour cache of one link (ARP for IPv4, Neighbor Discovery for IPv6), owned by one packet worker (no locks). lvsd resolves real servers and
/// clients itself because the director's kernel must not route VIP traffic. An entry stays usable for
/// a grace period after it expires while it is re-probed, like the kernel's STALE state, so a busy flow
/// never stalls on a refresh. While unresolved, one frame per neighbour is held in a preallocated slot.
/// </summary>
/// <remarks>
/// One implementation for both families: <see cref="NeighborTable"/> (TAddress addresses) and
/// <see cref="Ipv6NeighborTable"/> (UInt128 addresses); the JIT compiles it once per address type. How a probe is sent
/// (ARP request or neighbour solicitation) is the caller's business; the table only says whom to probe.
/// </remarks>
public abstract class NeighborTable<TAddress>
    where TAddress : unmanaged, IEquatable<TAddress>
{
    private readonly NeighborEntry<TAddress>[] _entries;
    private readonly int _mask;
    private readonly long _reachableMs;
    private readonly long _retryMs;
    private readonly int _maxProbes;
    private readonly byte[] _heldFrames;
    private readonly int[] _heldLengths;
    private readonly int _holdFrameSize;
    private readonly Stack<int> _freeHoldSlots;
    private int _count;

    protected NeighborTable(int capacity = 4096, long reachableMs = 60_000, long retryMs = 1_000, int maxProbes = 3, int holdSlots = 64, int holdFrameSize = 2048)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 16);
        var size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2);
        _entries = new NeighborEntry<TAddress>[size];
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
    public bool TryResolve(TAddress address, long nowMs, out MacAddress mac)
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

    /// <summary>Records what an ARP or Neighbor Discovery message told us; returns true if a held frame now waits to go.</summary>
    public bool Learn(TAddress address, MacAddress mac, long nowMs, bool create)
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
    public bool TryHold(TAddress address, ReadOnlySpan<byte> frame)
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
    public bool TryTakeHeld(TAddress address, out Span<byte> frame, out MacAddress mac)
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
    /// Fills <paramref name="targets"/> with addresses to probe now: unresolved ones once per retry
    /// interval, resolved ones when they are due for a refresh. Entries that stayed unanswered for
    /// several probes and hold nothing are forgotten so the table does not fill with dead addresses.
    /// </summary>
    public int CollectProbes(long nowMs, Span<TAddress> targets)
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
    public void Want(TAddress address) => FindOrAdd(address);

    private int Find(TAddress address)
    {
        var i = Hash(address);
        for (var probe = 0; probe <= _mask; probe++, i = (i + 1) & _mask)
        {
            ref var e = ref _entries[i];
            if (!e.InUse)
            {
                return -1;
            }

            if (e.Address.Equals(address))
            {
                return i;
            }
        }

        return -1;
    }

    private int FindOrAdd(TAddress address)
    {
        var i = Hash(address);
        for (var probe = 0; probe <= _mask; probe++, i = (i + 1) & _mask)
        {
            ref var e = ref _entries[i];
            if (e.InUse && e.Address.Equals(address))
            {
                return i;
            }

            if (!e.InUse)
            {
                if (_count >= Capacity)
                {
                    return -1;
                }

                e = new NeighborEntry<TAddress> { Address = address, InUse = true, HeldSlot = -1, LastProbeMs = long.MinValue / 2 };
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

    // Multiplicative hashing; an IPv6 address is first folded to 32 bits with its halves multiplied apart, so that
    // neighbours differing in either half (a /64's interface ids, or prefixes) spread out.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Hash(TAddress address)
    {
        uint key;
        if (typeof(TAddress) == typeof(uint))
        {
            key = Unsafe.As<TAddress, uint>(ref address);
        }
        else if (typeof(TAddress) == typeof(UInt128))
        {
            var wide = Unsafe.As<TAddress, UInt128>(ref address);
            ulong mixed = ((ulong)(wide >> 64) * 0x9E3779B97F4A7C15UL) ^ (ulong)wide;
            key = (uint)(mixed >> 32) ^ (uint)mixed;
        }
        else
        {
            throw new NotSupportedException($"{typeof(TAddress)} is not an address type.");
        }

        return (int)((key * 0x9E3779B1u) >> 8) & _mask;
    }
}
