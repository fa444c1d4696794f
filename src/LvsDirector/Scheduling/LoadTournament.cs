namespace LvsDirector.Scheduling;

/// <summary>
/// A tournament tree over one frozen destination list under one <typeparamref name="TPolicy"/>: every node holds
/// the index of the best destination below it, so a decision reads the root and a counter change replays only the
/// matches on its leaf's path to the root (about log2 n), usually stopping after one or two.
/// </summary>
/// <remarks>
/// <para>
/// IPVS keeps the first destination of its scan that is strictly better than the best so far. Every policy orders
/// destinations by a total preorder (a ratio compared by cross-multiplication, nq's idle servers all equal and
/// ahead of the rest, ovf's candidates all equal), so that is the first minimum of the list. A match keeps its left
/// (earlier) side unless the right side is strictly better, which makes the root the first minimum too: the same
/// choice, ties included.
/// </para>
/// <para>
/// A leaf packs the captured weight (0 when the destination is not a candidate: quiescent, overloaded, or ovf
/// without room) and the overhead in one word, so a match reads two words. Refreshes take a tiny spin lock and read
/// the live counters inside it; the last refresh after any change therefore leaves the tree exactly equal to what
/// a scan of the live counters would give. Decisions read the root without the lock, as racily as IPVS reads its
/// counters. A replay stops at the first node whose winner did not change and is not the refreshed leaf: nothing
/// above it can change.
/// </para>
/// </remarks>
internal sealed class LoadTournament<TPolicy> : LoadChangeTracker
    where TPolicy : struct, ILeastLoadPolicy
{
    private readonly int[] _weights;
    private readonly long[] _keys;
    private readonly bool[] _belowHalf;

    // Node 1 is the root, node k plays 2k against 2k + 1, leaves are nodes _leaves + i; -1 means no candidate.
    private readonly int[] _nodes;
    private readonly int _leaves;
    private int _belowHalfCount;
    private int _lock;

    public LoadTournament(SchedulerDestination[] destinations, int[] weights, LoadChangeTracker? previousOwn)
    {
        _weights = weights;
        int leaves = 2;
        while (leaves < destinations.Length)
        {
            leaves <<= 1;
        }

        _leaves = leaves;
        _keys = new long[destinations.Length];
        _belowHalf = new bool[destinations.Length];
        _nodes = new int[2 * leaves];
        Array.Fill(_nodes, -1);

        // Refreshes racing with the attach wait for the lock and then read the live values themselves.
        Acquire();
        try
        {
            for (int i = 0; i < destinations.Length; i++)
            {
                var destination = destinations[i];
                TakeOver(destination, previousOwn, i);
                Load(destination, i);
            }

            for (int node = leaves - 1; node > 0; node--)
            {
                _nodes[node] = Match(_nodes[2 * node], _nodes[(2 * node) + 1]);
            }
        }
        finally
        {
            Release();
        }
    }

    public override int Best => Volatile.Read(ref _nodes[1]);

    public override bool AnyBelowHalfWeight => Volatile.Read(ref _belowHalfCount) > 0;

    public override void Refresh(SchedulerDestination destination, int index)
    {
        Acquire();
        long old = _keys[index];
        if (Load(destination, index) != old)
        {
            var nodes = _nodes;
            int node = (_leaves + index) >> 1;
            while (node != 0)
            {
                int winner = Match(nodes[2 * node], nodes[(2 * node) + 1]);
                if (winner == nodes[node] && winner != index)
                {
                    break;
                }

                Volatile.Write(ref nodes[node], winner);
                node >>= 1;
            }
        }

        Release();
    }

    /// <summary>Stores destination <paramref name="index"/>'s key and leaf from its live values; returns the key.</summary>
    private long Load(SchedulerDestination destination, int index)
    {
        int weight = _weights[index];
        int active = destination.ActiveConnections;
        int overhead = TPolicy.Overhead(active, destination.InactiveConnections);
        bool candidate = weight > 0 && !destination.IsOverloaded && TPolicy.IsCandidate(overhead, weight);
        long key = candidate ? ((long)weight << 32) | (uint)overhead : 0;
        _keys[index] = key;
        _nodes[_leaves + index] = candidate ? index : -1;

        bool below = (long)active * 2 < weight;
        if (below != _belowHalf[index])
        {
            _belowHalf[index] = below;
            Volatile.Write(ref _belowHalfCount, _belowHalfCount + (below ? 1 : -1));
        }

        return key;
    }

    /// <summary>The earlier of two candidates unless the later one is strictly better (left &lt; right in list order).</summary>
    private int Match(int left, int right)
    {
        if (right < 0)
        {
            return left;
        }

        if (left < 0)
        {
            return right;
        }

        long leftKey = _keys[left];
        int leftOverhead = (int)leftKey;
        if (TPolicy.IsFinal(leftOverhead))
        {
            return left;
        }

        long rightKey = _keys[right];
        int rightOverhead = (int)rightKey;
        if (TPolicy.IsFinal(rightOverhead))
        {
            return right;
        }

        return TPolicy.Better(rightOverhead, (int)(rightKey >> 32), leftOverhead, (int)(leftKey >> 32)) ? right : left;
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
