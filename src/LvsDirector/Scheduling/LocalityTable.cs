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

    private const byte Free = 0;
    private const byte Live = 1;

    private readonly int _bits;
    private readonly int _mask;
    private readonly int _limit;
    private readonly uint[] _keys;
    private readonly byte[] _states;
    private readonly long[] _lastUse;
    private readonly long[] _lastModified;
    private readonly int[] _sizes;
    private readonly SchedulerDestination?[] _members;
    private readonly long _checkInterval;
    private readonly long _entryTimeout;
    private long _expiration;
    private long _nextCheck;
    private int _counter = 1;
    private int _rover;

    public LocalityTable(int capacity, int setCapacity, long now, long timestampFrequency, TimeSpan expiration)
    {
        if (capacity < 16 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "Capacity must be a power of two of at least 16.");
        }

        Capacity = capacity;
        SetCapacity = setCapacity;
        _bits = int.Log2(capacity);
        _mask = capacity - 1;
        _limit = capacity / 4 * 3;
        _keys = new uint[capacity];
        _states = new byte[capacity];
        _lastUse = new long[capacity];
        _lastModified = new long[capacity];
        _sizes = new int[capacity];
        _members = new SchedulerDestination?[capacity * setCapacity];
        _checkInterval = ToTicks(TimeSpan.FromSeconds(60), timestampFrequency);
        _entryTimeout = ToTicks(TimeSpan.FromMinutes(6), timestampFrequency);
        _expiration = ToTicks(expiration, timestampFrequency);
        TimestampFrequency = timestampFrequency;
        _nextCheck = now + _checkInterval;
    }

    public int Capacity { get; }

    public int SetCapacity { get; }

    public int Count { get; private set; }

    public long TimestampFrequency { get; }

    /// <summary>The expiration time in timestamp ticks (lblc_expiration / lblcr_expiration).</summary>
    public long Expiration => _expiration;

    public void SetExpiration(TimeSpan expiration) => _expiration = ToTicks(expiration, TimestampFrequency);

    public int Find(uint key)
    {
        int slot = Home(key);
        while (_states[slot] == Live)
        {
            if (_keys[slot] == key)
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
        while (_states[slot] == Live)
        {
            slot = (slot + 1) & _mask;
        }

        _states[slot] = Live;
        _keys[slot] = key;
        _lastUse[slot] = now;
        _lastModified[slot] = now;
        _sizes[slot] = 0;
        Count++;
        return slot;
    }

    public Span<SchedulerDestination?> Members(int slot) => _members.AsSpan(slot * SetCapacity, _sizes[slot]);

    public int SizeOf(int slot) => _sizes[slot];

    public ref long LastUse(int slot) => ref _lastUse[slot];

    public ref long LastModified(int slot) => ref _lastModified[slot];

    /// <summary>Puts <paramref name="destination"/> first in the set (the kernel adds at the list head).</summary>
    public void InsertFirst(int slot, SchedulerDestination destination)
    {
        int size = _sizes[slot];
        var span = _members.AsSpan(slot * SetCapacity, SetCapacity);
        int keep = Math.Min(size, SetCapacity - 1);
        span[..keep].CopyTo(span[1..]);
        span[0] = destination;
        _sizes[slot] = keep + 1;
    }

    public void RemoveMember(int slot, SchedulerDestination destination)
    {
        int size = _sizes[slot];
        var span = _members.AsSpan(slot * SetCapacity, size);
        int at = span.IndexOf(destination);
        if (at < 0)
        {
            return;
        }

        span[(at + 1)..].CopyTo(span[at..]);
        span[size - 1] = null;
        _sizes[slot] = size - 1;
    }

    public void ReplaceAll(int slot, SchedulerDestination destination)
    {
        _members.AsSpan(slot * SetCapacity, SetCapacity).Clear();
        _members[slot * SetCapacity] = destination;
        _sizes[slot] = 1;
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

    /// <summary>Drops members that are no longer destinations of the service; called by Update.</summary>
    public void Purge(IReadOnlySet<SchedulerDestination> alive)
    {
        for (int slot = 0; slot < Capacity; slot++)
        {
            if (_states[slot] != Live)
            {
                continue;
            }

            var span = Members(slot);
            for (int i = span.Length - 1; i >= 0; i--)
            {
                if (!alive.Contains(span[i]!))
                {
                    RemoveMember(slot, span[i]!);
                    span = Members(slot);
                }
            }
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
            while (_states[slot] == Live && now - _lastUse[slot] >= _entryTimeout && goal > 0)
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
            while (_states[slot] == Live && now - _lastUse[slot] >= _expiration)
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
            if (_states[next] != Live)
            {
                break;
            }

            // An entry may move back into the hole only if its home is not cyclically within (hole, next].
            int home = Home(_keys[next]);
            bool stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
            if (stays)
            {
                continue;
            }

            Move(next, hole);
            hole = next;
        }

        _states[hole] = Free;
        _sizes[hole] = 0;
        _members.AsSpan(hole * SetCapacity, SetCapacity).Clear();
    }

    private void Move(int from, int to)
    {
        _keys[to] = _keys[from];
        _states[to] = Live;
        _lastUse[to] = _lastUse[from];
        _lastModified[to] = _lastModified[from];
        _sizes[to] = _sizes[from];
        _members.AsSpan(from * SetCapacity, SetCapacity).CopyTo(_members.AsSpan(to * SetCapacity, SetCapacity));
    }

    private int Home(uint key) => (int)((key * 2654435761u) >> (32 - _bits));

    private static long ToTicks(TimeSpan span, long frequency) => (long)(span.TotalSeconds * frequency);
}
