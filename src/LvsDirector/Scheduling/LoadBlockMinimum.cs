using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace LvsDirector.Scheduling;

/// <summary>
/// The least-load choice over one frozen destination list under one <typeparamref name="TPolicy"/>, kept as flat
/// levels of minimum keys: level 0 holds every destination's order key, each level above holds the minimum of each
/// block of 32 entries of the level below, up to a single root. Blocks are compared with SIMD minimums (8 keys a
/// 512-bit vector), so at 1,000 destinations a change touches at most two blocks and a decision reads two.
/// </summary>
/// <remarks>
/// <para>
/// IPVS keeps the first destination of its scan that is strictly better than the best so far. Every policy orders
/// destinations by a total preorder that <see cref="ILeastLoadPolicy.Key"/> maps to exact integers (see
/// <see cref="LoadKey.Ratio"/>), so the kernel's choice is the first destination in list order whose key equals the
/// minimum key. Levels hold keys only: the root is the minimum, and the decision walks down taking at each level
/// the first entry of the block equal to it (a compare mask and a trailing-zero count). Blocks cover contiguous,
/// ordered ranges, so the first block whose minimum equals the root holds the first destination with that key:
/// the same choice, ties included. Destinations that cannot be chosen (weight 0, overloaded, ovf without room)
/// and the padding after the last destination hold <see cref="LoadKey.None"/>; a root of None means no choice.
/// </para>
/// <para>
/// Counter changes only mark their destination (<see cref="LoadChangeTracker.NoteChange"/>); a decision that finds
/// marks takes a tiny spin lock, re-reads the marked destinations' live values, and pushes each moved key up: a
/// parent changes only if the new key is below it, or if the old key was its minimum and the key got worse (then
/// its block's minimum is recomputed); the walk stops at the first parent that did not change. The levels therefore
/// equal what a scan of the live counters would give when the decision reads them. Decisions read the levels under
/// the same lock (or under the owning scheduler's, for lblc and lblcr). Memory: about 8.3 bytes a destination of keys, plus the marks and replay scratch.
/// </para>
/// </remarks>
internal sealed class LoadBlockMinimum<TPolicy> : LoadChangeTracker
    where TPolicy : struct, ILeastLoadPolicy
{
    private const int BlockShift = 5;
    private const int Block = 1 << BlockShift;

    private readonly SchedulerDestination[] _destinations;
    private readonly WeightDivisor[] _divisors;
    private readonly bool[] _belowHalf;

    // All levels in one pinned array; _levelStart[l] is the (64-byte aligned) offset of level l, the last level is
    // the root alone.
    private readonly long[] _keys;
    private readonly int[] _levelStart;
    // Parallel to _keys: the list position of the first destination below each entry whose key is its minimum.
    private readonly int[] _winners;
    private readonly int _top;

    // Used only under the lock: the marked groups and the marked destinations.
    private readonly int[] _groupScratch;
    private readonly int[] _indexScratch;
    private readonly bool _callerLocks;
    private readonly nint _level0Address;
    private int _belowHalfCount;
    private SpinGate _gate;

    /// <param name="callerLocks">
    /// Whether every call comes under the owner's own lock (lblc, lblcr), so this one need not take its own.
    /// </param>
    public LoadBlockMinimum(SchedulerDestination[] destinations, int[] weights, LoadChangeTracker? previousOwn, bool callerLocks)
        : base(destinations.Length)
    {
        _callerLocks = callerLocks;
        _destinations = destinations;
        _divisors = Array.ConvertAll(weights, weight => new WeightDivisor(weight));
        _belowHalf = new bool[destinations.Length];
        _groupScratch = new int[DirtyGroups.Length];
        _indexScratch = new int[destinations.Length];

        var starts = new List<int>();
        int length = destinations.Length;
        int total = 0;
        while (true)
        {
            starts.Add(total);
            if (length <= 1)
            {
                total += Block;
                break;
            }

            total += (length + Block - 1) & ~(Block - 1);
            length = (length + Block - 1) >> BlockShift;
        }

        // Pinned, so the alignment found here holds: every block starts on a cache line.
        _keys = GC.AllocateArray<long>(total + 8, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_keys, 0);
        int keyBase = (int)(((64 - (address & 63)) & 63) / sizeof(long));
        _levelStart = starts.Select(s => s + keyBase).ToArray();
        _top = _levelStart.Length - 1;
        _level0Address = (nint)(address + ((long)_levelStart[0] * sizeof(long)));
        Array.Fill(_keys, LoadKey.None);
        _winners = new int[_keys.Length];

        for (int i = 0; i < destinations.Length; i++)
        {
            TakeOver(destinations[i], previousOwn, i);
        }

        // Attached before the first read: a change the reads below miss is marked, and the first decision replays it.
        Interlocked.MemoryBarrier();
        for (int i = 0; i < destinations.Length; i++)
        {
            _keys[_levelStart[0] + i] = Load(i);
        }

        for (int i = 0; i < ((destinations.Length + Block - 1) & ~(Block - 1)); i++)
        {
            _winners[_levelStart[0] + i] = i;
        }

        length = destinations.Length;
        for (int level = 1; level <= _top; level++)
        {
            int blocks = (length + Block - 1) >> BlockShift;
            for (int b = 0; b < blocks; b++)
            {
                int first = _levelStart[level - 1] + (b << BlockShift);
                long min = BlockMin(first);
                _keys[_levelStart[level] + b] = min;
                _winners[_levelStart[level] + b] = _winners[first + FirstEqual(first, min)];
            }

            length = blocks;
        }
    }

    public override bool AnyBelowHalfWeight
    {
        get
        {
            Acquire();
            ReplayIfMarked();
            Release();
            return Volatile.Read(ref _belowHalfCount) > 0;
        }
    }

    /// <summary>
    /// Whether some destination had active connections * 2 below its weight at the last <see cref="Refresh"/> or
    /// decision; for owners that lock for themselves.
    /// </summary>
    public bool AnyBelowHalfWeightAsRefreshed => _belowHalfCount > 0;

    /// <summary>
    /// The choice as of the last <see cref="Refresh"/> or decision, without replaying marks that arrived since; for
    /// owners that lock for themselves and read several things from one refresh.
    /// </summary>
    public int BestAsRefreshed
    {
        get
        {
            int root = _levelStart[_top];
            return _keys[root] == LoadKey.None ? -1 : _winners[root];
        }
    }

    /// <summary>
    /// Replays the marks, so that <see cref="KeyAsRefreshed"/>, <see cref="BestAsRefreshed"/> and
    /// <see cref="AnyBelowHalfWeightAsRefreshed"/> read one state: what a scan of the live counters would give now.
    /// Only under the owner's lock (<c>callerLocks</c>).
    /// </summary>
    public void Refresh()
    {
        System.Diagnostics.Debug.Assert(_callerLocks, "Refresh is for owners that lock for themselves.");
        ReplayIfMarked();
    }

    /// <summary>
    /// Destination <paramref name="index"/>'s order key as of the last refresh: <see cref="LoadKey.None"/> when it
    /// cannot be chosen (weight 0, overload flag, policy), else the same order as the policy's comparison.
    /// </summary>
    public long KeyAsRefreshed(int index) => _keys[_levelStart[0] + index];

    /// <summary>
    /// Where <see cref="KeyAsRefreshed"/> reads, one key a destination in list order, for vector gathers: the key
    /// array is pinned, so the address holds for this generation's life (its owner keeps it reachable).
    /// </summary>
    public unsafe long* KeysAsRefreshed => (long*)_level0Address;

    public override int Best()
    {
        Acquire();
        ReplayIfMarked();
        int root = _levelStart[_top];
        int best = _keys[root] == LoadKey.None ? -1 : _winners[root];
        Release();
        return best;
    }

    /// <summary>Re-reads every marked destination and pushes the keys that moved up the levels.</summary>
    /// <remarks>
    /// One fence per decision with marks: the destination marks found are cleared, then their group marks, then the
    /// fence, then the counters are read. A writer's destination mark that landed too late for this read stays set
    /// (only marks found are cleared); its group mark, stored after it, either lands after our clear or landed
    /// before the fence, and then the re-read of the group's marks after the fence finds the destination mark and
    /// sets the group mark again. Either way the next decision finds it. A change whose marks were visible when this
    /// decision began is read back by it.
    /// </remarks>
    private void ReplayIfMarked()
    {
        var groups = DirtyGroups;
        var groupList = _groupScratch;
        int groupCount = 0;
        for (int start = 0; start < groups.Length; start += 64)
        {
            ulong mask = NonZero(groups, start);
            while (mask != 0)
            {
                groupList[groupCount++] = start + BitOperations.TrailingZeroCount(mask);
                mask &= mask - 1;
            }
        }

        if (groupCount == 0)
        {
            return;
        }

        var marks = DirtyDestinations;
        var list = _indexScratch;
        int count = 0;
        for (int g = 0; g < groupCount; g++)
        {
            int start = groupList[g] << GroupShift;
            ulong mask = NonZero(marks, start);
            if (mask != 0)
            {
                // Only whole-byte marks are ever set, so clearing the bytes clears exactly the marks read here.
                ClearMarked(marks, start, mask);
                do
                {
                    list[count++] = start + BitOperations.TrailingZeroCount(mask);
                    mask &= mask - 1;
                }
                while (mask != 0);
            }

            groups[groupList[g]] = 0;
        }

        Interlocked.MemoryBarrier();
        for (int g = 0; g < groupCount; g++)
        {
            if (NonZero(marks, groupList[g] << GroupShift) != 0)
            {
                groups[groupList[g]] = 1;
            }
        }

        for (int k = 0; k < count; k++)
        {
            Push(list[k], Load(list[k]));
        }
    }

    /// <summary>One bit per nonzero byte of the 64 marks from <paramref name="start"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NonZero(byte[] marks, int start)
    {
        ref byte first = ref marks[start];
        if (Vector512.IsHardwareAccelerated)
        {
            return ~Vector512.Equals(Vector512.LoadUnsafe(ref first), Vector512<byte>.Zero).ExtractMostSignificantBits();
        }

        if (Vector256.IsHardwareAccelerated)
        {
            return ~((ulong)Vector256.Equals(Vector256.LoadUnsafe(ref first), Vector256<byte>.Zero).ExtractMostSignificantBits()
                | ((ulong)Vector256.Equals(Vector256.LoadUnsafe(ref first, 32), Vector256<byte>.Zero).ExtractMostSignificantBits() << 32));
        }

        ulong mask = 0;
        for (int i = 0; i < 64; i++)
        {
            mask |= Unsafe.Add(ref first, i) != 0 ? 1UL << i : 0;
        }

        return mask;
    }

    /// <summary>Clears the marks a mask from <see cref="NonZero"/> found (only those: others may be set meanwhile).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ClearMarked(byte[] marks, int start, ulong mask)
    {
        do
        {
            marks[start + BitOperations.TrailingZeroCount(mask)] = 0;
            mask &= mask - 1;
        }
        while (mask != 0);
    }

    /// <summary>
    /// Stores a destination's new key and brings every level above it back to the block minimums and their first
    /// destinations.
    /// </summary>
    private void Push(int index, long key)
    {
        var keys = _keys;
        var winners = _winners;
        var starts = _levelStart;
        int position = index;
        int slotIndex = starts[0] + position;
        long old = keys[slotIndex];
        if (old == key)
        {
            return;
        }

        // (key, win) replaces (old, oldWin) at slotIndex; pairs order by key, then by list position.
        int win = index;
        int oldWin = index;
        for (int level = 1; level <= _top; level++)
        {
            int parent = position >> BlockShift;
            int parentIndex = starts[level] + parent;
            long before = keys[parentIndex];
            int beforeWin = winners[parentIndex];
            long after;
            int afterWin;
            if (key < before || (key == before && win < beforeWin))
            {
                after = key;
                afterWin = win;
            }
            else if (old == before && oldWin == beforeWin)
            {
                // This entry held the block's first minimum and got worse: another entry may now hold it. The minimum
                // of the others reads only stored keys, not the key coming up from below, so the CPU computes this
                // level's and the next level's in parallel instead of one after the other.
                int blockStart = starts[level - 1] + (parent << BlockShift);
                int offset = position & (Block - 1);
                long others = BlockMinExcluding(blockStart, offset, out int first);
                if (others < key || (others == key && first < offset))
                {
                    after = others;
                    afterWin = winners[blockStart + first];
                }
                else
                {
                    after = key;
                    afterWin = win;
                }
            }
            else
            {
                keys[slotIndex] = key;
                winners[slotIndex] = win;
                return;
            }

            // Stored only now: a vector read of the block right after a store into it would wait for the store.
            keys[slotIndex] = key;
            winners[slotIndex] = win;
            if (after == before && afterWin == beforeWin)
            {
                return;
            }

            slotIndex = parentIndex;
            old = before;
            oldWin = beforeWin;
            key = after;
            win = afterWin;
            position = parent;
        }

        keys[slotIndex] = key;
        winners[slotIndex] = win;
    }

    /// <summary>
    /// The minimum of the 32 keys from <paramref name="start"/> on other than the one at <paramref name="offset"/>
    /// (taken as <see cref="LoadKey.None"/>), and the offset of its first occurrence (<paramref name="offset"/> itself
    /// only when that minimum is None and no entry before it holds None, which the caller's tie rule then resolves
    /// the same way).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long BlockMinExcluding(int start, int offset, out int first)
    {
        ref long block = ref _keys[start];
        if (Vector512.IsHardwareAccelerated)
        {
            var none = Vector512.Create(LoadKey.None);
            var o = Vector512.Create((long)offset);
            var lanes = Vector512<long>.Indices;
            var eight = Vector512.Create(8L);
            var v0 = Vector512.ConditionalSelect(Vector512.Equals(lanes, o), none, Vector512.LoadUnsafe(ref block));
            lanes += eight;
            var v1 = Vector512.ConditionalSelect(Vector512.Equals(lanes, o), none, Vector512.LoadUnsafe(ref block, 8));
            lanes += eight;
            var v2 = Vector512.ConditionalSelect(Vector512.Equals(lanes, o), none, Vector512.LoadUnsafe(ref block, 16));
            lanes += eight;
            var v3 = Vector512.ConditionalSelect(Vector512.Equals(lanes, o), none, Vector512.LoadUnsafe(ref block, 24));
            var m = Vector512.Min(Vector512.Min(v0, v1), Vector512.Min(v2, v3));
            var q = Vector256.Min(m.GetLower(), m.GetUpper());
            var h = Vector128.Min(q.GetLower(), q.GetUpper());
            long min = Math.Min(h.GetElement(0), h.GetElement(1));
            var t = Vector512.Create(min);
            uint mask = (uint)Vector512.Equals(v0, t).ExtractMostSignificantBits()
                | ((uint)Vector512.Equals(v1, t).ExtractMostSignificantBits() << 8)
                | ((uint)Vector512.Equals(v2, t).ExtractMostSignificantBits() << 16)
                | ((uint)Vector512.Equals(v3, t).ExtractMostSignificantBits() << 24);
            first = BitOperations.TrailingZeroCount(mask);
            return min;
        }

        long saved = Unsafe.Add(ref block, offset);
        Unsafe.Add(ref block, offset) = LoadKey.None;
        long result = BlockMin(start);
        first = FirstEqual(start, result);
        Unsafe.Add(ref block, offset) = saved;
        return result;
    }

    /// <summary>The minimum of the 32 keys from <paramref name="start"/> on (a multiple of 32 from a level start).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long BlockMin(int start)
    {
        ref long first = ref _keys[start];
        if (Vector512.IsHardwareAccelerated)
        {
            var a = Vector512.Min(Vector512.LoadUnsafe(ref first), Vector512.LoadUnsafe(ref first, 8));
            var b = Vector512.Min(Vector512.LoadUnsafe(ref first, 16), Vector512.LoadUnsafe(ref first, 24));
            var m = Vector512.Min(a, b);
            var q = Vector256.Min(m.GetLower(), m.GetUpper());
            var h = Vector128.Min(q.GetLower(), q.GetUpper());
            return Math.Min(h.GetElement(0), h.GetElement(1));
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var m = Vector256.LoadUnsafe(ref first);
            for (nuint i = 4; i < Block; i += 4)
            {
                m = Vector256.Min(m, Vector256.LoadUnsafe(ref first, i));
            }

            var h = Vector128.Min(m.GetLower(), m.GetUpper());
            return Math.Min(h.GetElement(0), h.GetElement(1));
        }

        long min = first;
        for (int i = 1; i < Block; i++)
        {
            min = Math.Min(min, Unsafe.Add(ref first, i));
        }

        return min;
    }

    /// <summary>The offset of the first of the 32 keys from <paramref name="start"/> on equal to <paramref name="target"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FirstEqual(int start, long target)
    {
        ref long first = ref _keys[start];
        if (Vector512.IsHardwareAccelerated)
        {
            var t = Vector512.Create(target);
            uint mask = (uint)Vector512.Equals(Vector512.LoadUnsafe(ref first), t).ExtractMostSignificantBits()
                | ((uint)Vector512.Equals(Vector512.LoadUnsafe(ref first, 8), t).ExtractMostSignificantBits() << 8)
                | ((uint)Vector512.Equals(Vector512.LoadUnsafe(ref first, 16), t).ExtractMostSignificantBits() << 16)
                | ((uint)Vector512.Equals(Vector512.LoadUnsafe(ref first, 24), t).ExtractMostSignificantBits() << 24);
            return BitOperations.TrailingZeroCount(mask);
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(target);
            uint mask = 0;
            for (int i = 0; i < Block; i += 4)
            {
                mask |= Vector256.Equals(Vector256.LoadUnsafe(ref first, (nuint)i), t).ExtractMostSignificantBits() << i;
            }

            return BitOperations.TrailingZeroCount(mask);
        }

        int offset = 0;
        while (Unsafe.Add(ref first, offset) != target)
        {
            offset++;
        }

        return offset;
    }

    /// <summary>Destination <paramref name="index"/>'s key from its live values; also tracks the half-weight rule.</summary>
    private long Load(int index)
    {
        var destination = _destinations[index];
        ref readonly var divisor = ref _divisors[index];
        int weight = divisor.Weight;
        int active = destination.ActiveConnections;
        int overhead = TPolicy.Overhead(active, destination.InactiveConnections);
        bool candidate = weight > 0 && !destination.IsOverloaded && TPolicy.IsCandidate(overhead, weight);

        bool below = (long)active * 2 < weight;
        if (below != _belowHalf[index])
        {
            _belowHalf[index] = below;
            Volatile.Write(ref _belowHalfCount, _belowHalfCount + (below ? 1 : -1));
        }

        return candidate ? TPolicy.Key(overhead, in divisor) : LoadKey.None;
    }

    private void Acquire()
    {
        if (!_callerLocks)
        {
            _gate.Enter();
        }
    }

    private void Release()
    {
        if (!_callerLocks)
        {
            _gate.Exit();
        }
    }
}
