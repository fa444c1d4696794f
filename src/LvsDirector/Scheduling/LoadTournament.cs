namespace LvsDirector.Scheduling;

/// <summary>
/// A tournament tree over one frozen destination list under one <typeparamref name="TPolicy"/>: every node holds
/// the best destination below it, so a decision reads the root and a counter change replays only the matches on its
/// leaf's path to the root (log8 n of them), often stopping after the first.
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
/// destination; the lower key wins, the earlier player on equal keys. Refreshes take a tiny spin lock and read the
/// live counters inside it; the last refresh after any change therefore leaves the tree exactly equal to what a
/// scan of the live counters would give. Decisions read the root without the lock, as racily as IPVS reads its
/// counters. A replay stops at the first node whose winner and its key did not change: nothing above it can
/// change. Memory: 16 bytes a node; levels are whole powers of eight and gaps are left between them, so a list
/// takes about 2 to 17 nodes a destination (1.1 MB at 10,000 destinations).
/// </para>
/// </remarks>
internal sealed class LoadTournament<TPolicy> : LoadChangeTracker
    where TPolicy : struct, ILeastLoadPolicy
{
    // Eight players a match: a leaf's replay has log8 n levels (4 at 1,000 servers), and the eight children of a
    // node sit in two adjacent cache lines. Node 0 is the root; node p's children are 8(p + 1) .. 8(p + 1) + 7, so
    // its parent is (c >> 3) - 1 and every level starts on a multiple of eight.
    private const int Fanout = 8;

    private readonly int[] _weights;
    private readonly bool[] _belowHalf;
    private readonly TournamentNode[] _nodes;
    private readonly int _firstLeaf;
    private int _belowHalfCount;
    private int _lock;

    public LoadTournament(SchedulerDestination[] destinations, int[] weights, LoadChangeTracker? previousOwn)
    {
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
        _nodes = new TournamentNode[start + width];
        Array.Fill(_nodes, new TournamentNode { Key = LoadKey.None, Index = -1 });

        // Refreshes racing with the attach wait for the lock and then read the live values themselves.
        Acquire();
        try
        {
            for (int i = 0; i < destinations.Length; i++)
            {
                var destination = destinations[i];
                TakeOver(destination, previousOwn, i);
                _nodes[start + i] = Load(destination, i);
            }

            // Children have higher positions than parents; the gaps between levels hold unused nodes.
            for (int node = start - 1; node >= 0; node--)
            {
                if (Fanout * (node + 2) <= _nodes.Length)
                {
                    _nodes[node] = _nodes[Winner(_nodes, Fanout * (node + 1))];
                }
            }
        }
        finally
        {
            Release();
        }
    }

    public override int Best => Volatile.Read(ref _nodes[0].Index);

    public override bool AnyBelowHalfWeight => Volatile.Read(ref _belowHalfCount) > 0;

    public override void Refresh(SchedulerDestination destination, int index)
    {
        Acquire();
        var nodes = _nodes;
        int node = _firstLeaf + index;
        var leaf = Load(destination, index);
        if (leaf.Key != nodes[node].Key)
        {
            nodes[node] = leaf;
            while (node != 0)
            {
                node = (node >> 3) - 1;
                ref var winner = ref nodes[Winner(nodes, Fanout * (node + 1))];
                ref var current = ref nodes[node];
                if (winner.Key == current.Key && winner.Index == current.Index)
                {
                    // Every match above sees the same players as before.
                    break;
                }

                current.Key = winner.Key;
                Volatile.Write(ref current.Index, winner.Index);
            }
        }

        Release();
    }

    /// <summary>Destination <paramref name="index"/>'s leaf from its live values; also tracks the half-weight rule.</summary>
    private TournamentNode Load(SchedulerDestination destination, int index)
    {
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
    private static int Winner(TournamentNode[] nodes, int first)
    {
        var players = nodes.AsSpan(first, Fanout);
        long k0 = players[0].Key, k1 = players[1].Key, k2 = players[2].Key, k3 = players[3].Key;
        long k4 = players[4].Key, k5 = players[5].Key, k6 = players[6].Key, k7 = players[7].Key;
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
