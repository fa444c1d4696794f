using System.Numerics;
using System.Runtime.InteropServices;

namespace LvsDirector.Scheduling;

/// <summary>
/// A tournament tree over one frozen destination list under one <typeparamref name="TPolicy"/>: every node holds
/// the best destination below it, so a decision reads the root after replaying only the matches on the paths of the
/// destinations that changed since the previous decision (log8 n of them each, shared where paths meet, often
/// stopping after the first).
/// </summary>
/// <remarks>
/// <para>
/// IPVS keeps the first destination of its scan that is strictly better than the best so far. Every policy orders
/// destinations by a total preorder (a ratio compared by cross-multiplication, nq's idle servers all equal and
/// ahead of the rest, ovf's candidates all equal), so that is the first minimum of the list. A match keeps its left
/// (earlier) side unless the right side is strictly better, and eight players meet in a fixed bracket of such matches
/// in list order, which makes the root the first minimum too: the same choice, ties included.
/// </para>
/// <para>
/// A node carries its winner's order key (<see cref="ILeastLoadPolicy.Key"/>, <see cref="LoadKey.None"/> when no
/// candidate is below: quiescent, overloaded, or ovf without room), so a match compares numbers and reads no
/// destination; the lower key wins, the earlier player on equal keys. Counter changes only mark their destination
/// (<see cref="LoadChangeTracker.NoteChange"/>); a decision that finds marks takes a tiny spin lock, re-reads the
/// marked destinations' live values, and replays their paths level by level, each parent once. A destination
/// whose key did not change (a +1 and a −1 that cancel) replays nothing, and a replay stops at the first node
/// whose winner and its key did not change: nothing above it can change. The tree therefore always equals what a
/// scan of the live counters would give when the decision reads the root. Decisions that find no mark read the
/// root without the lock, as racily as IPVS reads its counters. Memory: 12 bytes a node (keys and winners in
/// separate arrays, so a match reads one cache line of keys); levels are whole powers
/// of eight and gaps are left between them, so a list takes about 2 to 17 nodes a destination (450 KB at 10,000
/// destinations), plus about 21 bytes a destination of marks and replay scratch.
/// </para>
/// </remarks>
internal sealed class LoadTournament<TPolicy> : LoadChangeTracker
    where TPolicy : struct, ILeastLoadPolicy
{
    // Eight players a match: a leaf's replay has log8 n levels (4 at 1,000 servers), and the eight children of a
    // node sit in two adjacent cache lines. Node 0 is the root; node p's children are 8(p + 1) .. 8(p + 1) + 7, so
    // its parent is (c >> 3) - 1 and every level starts on a multiple of eight.
    private const int Fanout = 8;

    private readonly SchedulerDestination[] _destinations;
    private readonly int[] _weights;
    private readonly bool[] _belowHalf;
    // Node n's winner: its order key at _keys[_keyBase + n], its list position at _winners[n]. Keys alone take part
    // in a match, and the eight keys of a match fill one aligned cache line.
    private readonly long[] _keys;
    private readonly int _keyBase;
    private readonly int[] _winners;
    private readonly int _firstLeaf;

    // Used only under the lock: the marked groups, then the nodes to replay at the current level.
    private readonly int[] _groupScratch;
    private readonly int[] _nodeScratch;
    private readonly TournamentNode[] _oldScratch;
    private int _belowHalfCount;
    private int _lock;

    public LoadTournament(SchedulerDestination[] destinations, int[] weights, LoadChangeTracker? previousOwn)
        : base(destinations.Length)
    {
        _destinations = destinations;
        _weights = weights;
        int start = 0;
        int width = 1;
        while (width < destinations.Length)
        {
            start = Fanout * (start + 1);
            width *= Fanout;
        }

        _firstLeaf = start;
        _belowHalf = new bool[destinations.Length];
        _groupScratch = new int[DirtyGroups.Length];
        _nodeScratch = new int[destinations.Length];
        _oldScratch = new TournamentNode[destinations.Length];
        // Pinned, so the alignment found here holds: children blocks start at multiples of eight nodes.
        _keys = GC.AllocateArray<long>(start + width + Fanout, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_keys, 0);
        _keyBase = (int)(((64 - (address & 63)) & 63) / sizeof(long));
        Array.Fill(_keys, LoadKey.None);
        _winners = new int[start + width];
        Array.Fill(_winners, -1);

        for (int i = 0; i < destinations.Length; i++)
        {
            TakeOver(destinations[i], previousOwn, i);
        }

        // Attached before the first read: a change the reads below miss is marked here (same fence argument as
        // for the marks), and the first decision replays it.
        Interlocked.MemoryBarrier();
        for (int i = 0; i < destinations.Length; i++)
        {
            Set(start + i, Load(i));
        }

        // Children have higher positions than parents; the gaps between levels hold unused nodes.
        for (int node = start - 1; node >= 0; node--)
        {
            if (Fanout * (node + 2) <= _winners.Length)
            {
                Set(node, Get(Winner(Fanout * (node + 1))));
            }
        }
    }

    public override bool AnyBelowHalfWeight
    {
        get
        {
            ReplayIfMarked();
            return Volatile.Read(ref _belowHalfCount) > 0;
        }
    }

    public override int Best()
    {
        ReplayIfMarked();
        return Volatile.Read(ref _winners[0]);
    }

    private void ReplayIfMarked()
    {
        foreach (ulong word in MemoryMarshal.Cast<byte, ulong>(DirtyGroups.AsSpan()))
        {
            if (word != 0)
            {
                Acquire();
                Replay();
                Release();
                return;
            }
        }
    }

    /// <summary>Re-reads every marked destination and replays the matches above those whose key moved.</summary>
    private void Replay()
    {
        var groupWords = MemoryMarshal.Cast<byte, ulong>(DirtyGroups.AsSpan());
        var groupList = _groupScratch;
        int groupCount = 0;
        for (int w = 0; w < groupWords.Length; w++)
        {
            ulong word = groupWords[w];
            if (word != 0)
            {
                // Only whole-byte marks are ever set, so clearing the word clears exactly the marks read here.
                groupWords[w] = 0;
                do
                {
                    groupList[groupCount++] = (w << 3) + (BitOperations.TrailingZeroCount(word) >> 3);
                    word &= ~(0xFFUL << (BitOperations.TrailingZeroCount(word) & ~7));
                }
                while (word != 0);
            }
        }

        if (groupCount == 0)
        {
            return;
        }

        // Group marks cleared before the destination marks are read, these cleared before the counters are read.
        Interlocked.MemoryBarrier();
        var markWords = MemoryMarshal.Cast<byte, ulong>(DirtyDestinations.AsSpan());
        var list = _nodeScratch;
        int count = 0;
        for (int g = 0; g < groupCount; g++)
        {
            int firstWord = groupList[g] << (GroupShift - 3);
            int endWord = Math.Min(firstWord + (1 << (GroupShift - 3)), markWords.Length);
            for (int w = firstWord; w < endWord; w++)
            {
                ulong word = markWords[w];
                if (word != 0)
                {
                    markWords[w] = 0;
                    do
                    {
                        list[count++] = (w << 3) + (BitOperations.TrailingZeroCount(word) >> 3);
                        word &= ~(0xFFUL << (BitOperations.TrailingZeroCount(word) & ~7));
                    }
                    while (word != 0);
                }
            }
        }

        if (count == 0)
        {
            return;
        }

        Interlocked.MemoryBarrier();
        var old = _oldScratch;
        int moved = 0;
        for (int k = 0; k < count; k++)
        {
            int index = list[k];
            var leaf = Load(index);
            var node = Get(_firstLeaf + index);
            if (leaf.Key != node.Key || leaf.Index != node.Index)
            {
                old[moved] = node;
                Set(_firstLeaf + index, leaf);
                list[moved++] = _firstLeaf + index;
            }
        }

        // The list stays in ascending order level after level (the parent map is monotonic), so siblings sit
        // together and each parent is visited once. All nodes of a list are on one level; the root ends it. A
        // parent whose winner did not change only needs the changed children that now beat it; a parent whose
        // winner changed plays its whole match again.
        while (moved > 0 && list[0] != 0)
        {
            int next = 0;
            int k = 0;
            while (k < moved)
            {
                int parent = (list[k] >> 3) - 1;
                var before = Get(parent);
                var best = before;
                bool replay = false;
                for (; k < moved && (list[k] >> 3) - 1 == parent; k++)
                {
                    if (old[k].Key == before.Key && old[k].Index == before.Index)
                    {
                        replay = true;
                    }
                    else
                    {
                        var child = Get(list[k]);
                        if (child.Key < best.Key || (child.Key == best.Key && child.Index < best.Index))
                        {
                            best = child;
                        }
                    }
                }

                if (replay)
                {
                    best = Get(Winner(Fanout * (parent + 1)));
                }

                if (best.Key == before.Key && best.Index == before.Index)
                {
                    // Every match above this one sees the same players as before.
                    continue;
                }

                Set(parent, best);
                old[next] = before;
                list[next++] = parent;
            }

            moved = next;
        }
    }

    /// <summary>Destination <paramref name="index"/>'s leaf from its live values; also tracks the half-weight rule.</summary>
    private TournamentNode Load(int index)
    {
        var destination = _destinations[index];
        int weight = _weights[index];
        int active = destination.ActiveConnections;
        int overhead = TPolicy.Overhead(active, destination.InactiveConnections);
        bool candidate = weight > 0 && !destination.IsOverloaded && TPolicy.IsCandidate(overhead, weight);

        bool below = (long)active * 2 < weight;
        if (below != _belowHalf[index])
        {
            _belowHalf[index] = below;
            Volatile.Write(ref _belowHalfCount, _belowHalfCount + (below ? 1 : -1));
        }

        return candidate
            ? new TournamentNode { Key = TPolicy.Key(overhead, weight), Index = index }
            : new TournamentNode { Key = LoadKey.None, Index = -1 };
    }

    /// <summary>
    /// The position of the winner among the eight nodes from <paramref name="first"/> on: the lowest key, the
    /// earliest among equals (a later player wins a match only when strictly lower).
    /// </summary>
    private int Winner(int first)
    {
        var players = _keys.AsSpan(_keyBase + first, Fanout);
        long k0 = players[0], k1 = players[1], k2 = players[2], k3 = players[3];
        long k4 = players[4], k5 = players[5], k6 = players[6], k7 = players[7];
        int a = k1 < k0 ? 1 : 0;
        long ka = k1 < k0 ? k1 : k0;
        int b = k3 < k2 ? 3 : 2;
        long kb = k3 < k2 ? k3 : k2;
        int c = k5 < k4 ? 5 : 4;
        long kc = k5 < k4 ? k5 : k4;
        int d = k7 < k6 ? 7 : 6;
        long kd = k7 < k6 ? k7 : k6;
        int ab = kb < ka ? b : a;
        long kab = kb < ka ? kb : ka;
        int cd = kd < kc ? d : c;
        long kcd = kd < kc ? kd : kc;
        return first + (kcd < kab ? cd : ab);
    }

    private TournamentNode Get(int node) => new() { Key = _keys[_keyBase + node], Index = _winners[node] };

    private void Set(int node, TournamentNode value)
    {
        _keys[_keyBase + node] = value.Key;
        Volatile.Write(ref _winners[node], value.Index);
    }

    private void Acquire()
    {
        if (Interlocked.CompareExchange(ref _lock, 1, 0) != 0)
        {
            Contend();
        }
    }

    private void Contend()
    {
        var spin = default(SpinWait);
        do
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
        while (Volatile.Read(ref _lock) != 0 || Interlocked.CompareExchange(ref _lock, 1, 0) != 0);
    }

    private void Release() => Volatile.Write(ref _lock, 0);
}
