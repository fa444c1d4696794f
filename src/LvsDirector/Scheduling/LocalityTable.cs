using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LvsDirector.Scheduling;

/// <summary>
/// The per-destination-address cache of lblc and lblcr: a preallocated open-addressing table (linear probing,
/// backward-shift deletion, so no tombstones) mapping a virtual-side destination address to a small set of servers,
/// with the kernel's garbage collection. Not thread-safe: the owning scheduler calls it under its lock.
/// </summary>
/// <remarks>
/// <para>
/// Garbage collection follows ip_vs_lblc.c / ip_vs_lblcr.c: a check every 60 s; every 30th check is a full one that
/// drops entries unused for the expiration time (sysctl lblc_expiration / lblcr_expiration, 24 h by default);
/// otherwise, when more than 16384 entries (the kernel's IP_VS_LBLC_TAB_SIZE * 16) are cached, entries unused for
/// 6 minutes are dropped until (entries - 16384) * 4 / 3 are gone (at most 8192). The kernel runs the check from a
/// timer; here it runs on the first decision after it is due (a decision after a long silence runs one full check).
/// </para>
/// <para>
/// Unlike the kernel's list this table is bounded (<see cref="Capacity"/> slots, filled to 3/4 at most): when it is
/// full, a decision for a new address is made but not cached. Nothing is allocated after construction.
/// </para>
/// </remarks>
internal sealed class LocalityTable
{
    public const int DefaultCapacity = 1 << 15;

    /// <summary>tbl->max_size: the entry count above which the periodic check collects idle entries.</summary>
    public const int GarbageThreshold = 1024 * 16;

    private const int FullCheckEvery = 30;

    private readonly int _bits;
    private readonly int _mask;
    private readonly int _limit;
    private readonly LocalityEntry[] _entries;
    private readonly int[] _members;
    private readonly TimeProvider _time;
    private readonly long _ticksPerMillisecond;
    private readonly long _checkInterval;
    private readonly long _entryTimeout;
    private long _expiration;
    private long _nextCheck;
    private int _counter = 1;
    private int _rover;

    public LocalityTable(int capacity, int setCapacity, TimeProvider time, TimeSpan expiration)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be a power of two of at least 16.");
        }

        Capacity = capacity;
        SetCapacity = setCapacity;
        _bits = int.Log2(capacity);
        _mask = capacity - 1;
        _limit = capacity / 4 * 3;
        _entries = new LocalityEntry[capacity];
        _members = new int[capacity * setCapacity];
        _time = time;
        long timestampFrequency = time.TimestampFrequency;

        // The system clock is read through the coarse millisecond tick (a few ns, against tens for a precise
        // timestamp); the kernel stamps these entries with jiffies, coarser still. A test's clock is read as given.
        _ticksPerMillisecond = ReferenceEquals(time, TimeProvider.System) && timestampFrequency % 1000 == 0 ? timestampFrequency / 1000 : 0;
        _checkInterval = ToTicks(TimeSpan.FromSeconds(60), timestampFrequency);
        _entryTimeout = ToTicks(TimeSpan.FromMinutes(6), timestampFrequency);
        _expiration = ToTicks(expiration, timestampFrequency);
        TimestampFrequency = timestampFrequency;
        _nextCheck = Now() + _checkInterval;
    }

    public int Capacity { get; }

    public int SetCapacity { get; }

    public int Count { get; private set; }

    public long TimestampFrequency { get; }

    /// <summary>The expiration time in timestamp ticks (lblc_expiration / lblcr_expiration).</summary>
    public long Expiration => _expiration;

    public void SetExpiration(TimeSpan expiration) => _expiration = ToTicks(expiration, TimestampFrequency);

    /// <summary>The current time in timestamp ticks of the table's clock.</summary>
    public long Now() => _ticksPerMillisecond != 0 ? Environment.TickCount64 * _ticksPerMillisecond : _time.GetTimestamp();

    public int Find(uint key)
    {
        var entries = _entries;
        int slot = Home(key);
        while (entries[slot].Live)
        {
            if (entries[slot].Key == key)
            {
                return slot;
            }

            slot = (slot + 1) & _mask;
        }

        return -1;
    }

    /// <summary>Adds an empty entry for a key known to be absent; -1 when the table is full.</summary>
    public int Add(uint key, long now)
    {
        if (Count >= _limit)
        {
            return -1;
        }

        int slot = Home(key);
        while (_entries[slot].Live)
        {
            slot = (slot + 1) & _mask;
        }

        _entries[slot] = new LocalityEntry { Key = key, Live = true, LastUse = now, LastModified = now };
        Count++;
        return slot;
    }

    /// <summary>
    /// The member set of an entry, newest first, as positions in the owning scheduler's current destination list:
    /// plain integers, so reshuffling a set costs no GC write barriers.
    /// </summary>
    public Span<int> Members(int slot) => _members.AsSpan(slot * SetCapacity, _entries[slot].Size);

    public int SizeOf(int slot) => _entries[slot].Size;

    /// <summary>All <see cref="SetCapacity"/> member places of an entry; those from its size on hold stale values.</summary>
    public ReadOnlySpan<int> MemberPlaces(int slot) => _members.AsSpan(slot * SetCapacity, SetCapacity);

    public ref long LastUse(int slot) => ref _entries[slot].LastUse;

    public ref long LastModified(int slot) => ref _entries[slot].LastModified;

    /// <summary>
    /// ip_vs_dest_set_insert with its membership check: puts <paramref name="member"/> first in the set (the kernel
    /// adds at the list head) unless it is already a member. A full set first drops <paramref name="evict"/>, or its
    /// oldest member when <paramref name="evict"/> is not in it. Returns whether the set changed.
    /// </summary>
    /// <remarks>One pass over at most <see cref="SetCapacity"/> integers, moved by hand: at this size the calls of
    /// Contains, IndexOf and two span copies cost several times the work.</remarks>
    public bool Admit(int slot, int member, int evict)
    {
        ref var entry = ref _entries[slot];
        int size = entry.Size;
        if (SetCapacity == Vector256<int>.Count && Avx2.IsSupported)
        {
            return AdmitVector(ref entry, size, ref _members[slot * SetCapacity], member, evict);
        }

        var span = _members.AsSpan(slot * SetCapacity, SetCapacity);
        int evictAt = -1;
        for (int i = 0; i < size; i++)
        {
            int current = span[i];
            if (current == member)
            {
                return false;
            }

            if (current == evict && evictAt < 0)
            {
                evictAt = i;
            }
        }

        // The entries before `end` move up one place, the one at `end` is overwritten (dropped) or is new room.
        int end = size < SetCapacity ? size : evictAt >= 0 ? evictAt : size - 1;
        for (int i = end; i > 0; i--)
        {
            span[i] = span[i - 1];
        }

        span[0] = member;
        entry.Size = Math.Min(size + 1, SetCapacity);
        return true;
    }

    /// <summary><see cref="Admit"/> for sets of 8: one compare each for the membership and the eviction, one permute.</summary>
    private static bool AdmitVector(ref LocalityEntry entry, int size, ref int places, int member, int evict)
    {
        var set = Vector256.LoadUnsafe(ref places);
        uint valid = (1u << size) - 1;
        if ((Vector256.Equals(set, Vector256.Create(member)).ExtractMostSignificantBits() & valid) != 0)
        {
            return false;
        }

        uint evictAt = Vector256.Equals(set, Vector256.Create(evict)).ExtractMostSignificantBits() & valid;
        int end = size < Vector256<int>.Count ? size : evictAt != 0 ? BitOperations.TrailingZeroCount(evictAt) : size - 1;

        // Place i takes place i - 1 up to `end`; place 0 (which would take place 7) takes the new member.
        var indices = Vector256<int>.Indices;
        var moved = Avx2.PermuteVar8x32(set, indices - Vector256<int>.One);
        var result = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(indices, Vector256.Create(end)), moved, set);
        result.WithElement(0, member).StoreUnsafe(ref places);
        entry.Size = Math.Min(size + 1, Vector256<int>.Count);
        return true;
    }

    public void RemoveMember(int slot, int member)
    {
        int size = _entries[slot].Size;
        var span = _members.AsSpan(slot * SetCapacity, size);
        int at = span.IndexOf(member);
        if (at < 0)
        {
            return;
        }

        span[(at + 1)..].CopyTo(span[at..]);
        _entries[slot].Size = size - 1;
    }

    public void ReplaceAll(int slot, int member)
    {
        _members[slot * SetCapacity] = member;
        _entries[slot].Size = 1;
    }

    /// <summary>Runs the periodic checks that fell due by <paramref name="now"/>.</summary>
    public void Maintain(long now)
    {
        if (now < _nextCheck)
        {
            return;
        }

        long behind = (now - _nextCheck) / _checkInterval;
        if (behind >= FullCheckEvery)
        {
            FullCheck(now);
            _counter = 1;
            _nextCheck = now + _checkInterval;
            return;
        }

        while (_nextCheck <= now)
        {
            Check(_nextCheck);
            _nextCheck += _checkInterval;
        }
    }

    /// <summary>
    /// Moves every member set from positions in <paramref name="previous"/> to positions in <paramref name="current"/>,
    /// keeping their order and dropping members that are no longer destinations of the service; called by Update.
    /// </summary>
    public void Remap(SchedulerDestination[] previous, SchedulerDestination[] current)
    {
        var positions = new Dictionary<SchedulerDestination, int>(current.Length, ReferenceEqualityComparer.Instance);
        for (int i = 0; i < current.Length; i++)
        {
            positions.TryAdd(current[i], i);
        }

        var map = new int[previous.Length];
        for (int i = 0; i < previous.Length; i++)
        {
            map[i] = positions.TryGetValue(previous[i], out int position) ? position : -1;
        }

        for (int slot = 0; slot < Capacity; slot++)
        {
            if (!_entries[slot].Live)
            {
                continue;
            }

            var span = Members(slot);
            int kept = 0;
            foreach (int member in span)
            {
                int position = map[member];
                if (position >= 0)
                {
                    span[kept++] = position;
                }
            }

            _entries[slot].Size = kept;
        }
    }

    private void Check(long now)
    {
        if (_counter % FullCheckEvery == 0)
        {
            FullCheck(now);
            _counter = 1;
            return;
        }

        if (Count <= GarbageThreshold)
        {
            _counter++;
            return;
        }

        int goal = Math.Min((Count - GarbageThreshold) * 4 / 3, GarbageThreshold / 2);
        int slot = _rover;
        for (int i = 0; i < Capacity && goal > 0; i++)
        {
            slot = (slot + 1) & _mask;
            while (_entries[slot].Live && now - _entries[slot].LastUse >= _entryTimeout && goal > 0)
            {
                RemoveAt(slot); // the next entry may shift into this slot, so look at it again
                goal--;
            }
        }

        _rover = slot;
    }

    private void FullCheck(long now)
    {
        for (int slot = 0; slot < Capacity; slot++)
        {
            while (_entries[slot].Live && now - _entries[slot].LastUse >= _expiration)
            {
                RemoveAt(slot);
            }
        }
    }

    private void RemoveAt(int slot)
    {
        Count--;
        int hole = slot;
        int next = slot;
        while (true)
        {
            next = (next + 1) & _mask;
            if (!_entries[next].Live)
            {
                break;
            }

            // An entry may move back into the hole only if its home is not cyclically within (hole, next].
            int home = Home(_entries[next].Key);
            bool stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
            if (stays)
            {
                continue;
            }

            Move(next, hole);
            hole = next;
        }

        _entries[hole] = default;
    }

    private void Move(int from, int to)
    {
        _entries[to] = _entries[from];
        _members.AsSpan(from * SetCapacity, SetCapacity).CopyTo(_members.AsSpan(to * SetCapacity, SetCapacity));
    }

    private int Home(uint key) => (int)((key * 2654435761u) >> (32 - _bits));

    private static long ToTicks(TimeSpan span, long frequency) => (long)(span.TotalSeconds * frequency);
}
