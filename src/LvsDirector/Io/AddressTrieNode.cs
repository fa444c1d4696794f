namespace LvsDirector.Io;

/// <summary>
/// A set of address prefixes as a trie over 32-bit words (one level for IPv4, four for IPv6). The edges of a node
/// are disjoint ranges of its word, sorted, so a classic BPF program can binary-search them: the cost per frame grows
/// with the logarithm of the set's size, not with the size.
/// </summary>
internal sealed class AddressTrieNode
{
    /// <summary>Everything below this node is in the set (a prefix ended here).</summary>
    public bool Terminal { get; private set; }

    public List<AddressTrieEdge> Edges { get; private set; } = [];

    public static AddressTrieNode Build(IEnumerable<(uint[] Words, int PrefixLength)> prefixes)
    {
        var root = new AddressTrieNode();
        foreach (var (words, prefixLength) in prefixes)
        {
            root.Insert(words, prefixLength, 0);
        }

        root.MergeTerminalNeighbours();
        return root;
    }

    /// <summary>The words of an IPv6 address, first wire byte most significant in word 0.</summary>
    public static uint[] Words(UInt128 address) =>
        [(uint)(address >> 96), (uint)(address >> 64), (uint)(address >> 32), (uint)address];

    private void Insert(uint[] words, int prefixLength, int level)
    {
        if (Terminal)
        {
            return;
        }

        var bits = prefixLength - (32 * level);
        if (bits <= 0)
        {
            Terminal = true;
            Edges = [];
            return;
        }

        var mask = bits >= 32 ? uint.MaxValue : ~(uint.MaxValue >> bits);
        var low = words[level] & mask;
        var high = low | ~mask;

        // Split the edges that straddle [low, high] so the range is covered exactly by whole edges, then descend into
        // each of them. Split-off outer parts keep a copy of the subtree: the inner part is about to change.
        var result = new List<AddressTrieEdge>(Edges.Count + 2);
        var inside = new List<AddressTrieEdge>();
        var next = (ulong)low;
        foreach (var edge in Edges)
        {
            if (edge.High < low || edge.Low > high)
            {
                result.Add(edge);
                continue;
            }

            if (edge.Low < low)
            {
                result.Add(new AddressTrieEdge(edge.Low, low - 1, edge.Child.Clone()));
            }

            var overlapLow = Math.Max(edge.Low, low);
            var overlapHigh = Math.Min(edge.High, high);
            if (next < overlapLow)
            {
                inside.Add(new AddressTrieEdge((uint)next, overlapLow - 1, new AddressTrieNode()));
            }

            if (edge.High > high)
            {
                result.Add(new AddressTrieEdge(high + 1, edge.High, edge.Child.Clone()));
            }

            inside.Add(new AddressTrieEdge(overlapLow, overlapHigh, edge.Child));
            next = (ulong)overlapHigh + 1;
        }

        if (next <= high)
        {
            inside.Add(new AddressTrieEdge((uint)next, high, new AddressTrieNode()));
        }

        result.AddRange(inside);
        result.Sort((a, b) => a.Low.CompareTo(b.Low));
        Edges = result;
        foreach (var edge in inside)
        {
            edge.Child.Insert(words, prefixLength, level + 1);
        }
    }

    // Neighbouring ranges that both end the search (e.g. VIPs .100 and .101) become one range: one compare fewer.
    private void MergeTerminalNeighbours()
    {
        var merged = new List<AddressTrieEdge>(Edges.Count);
        foreach (var edge in Edges)
        {
            edge.Child.MergeTerminalNeighbours();
            if (merged.Count > 0 && merged[^1] is { Child.Terminal: true } last && edge.Child.Terminal && (ulong)last.High + 1 == edge.Low)
            {
                merged[^1] = new AddressTrieEdge(last.Low, edge.High, last.Child);
            }
            else
            {
                merged.Add(edge);
            }
        }

        Edges = merged;
    }

    private AddressTrieNode Clone()
    {
        var copy = new AddressTrieNode { Terminal = Terminal };
        copy.Edges = Edges.ConvertAll(e => new AddressTrieEdge(e.Low, e.High, e.Child.Clone()));
        return copy;
    }
}
