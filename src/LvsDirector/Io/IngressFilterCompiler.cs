using static LvsDirector.Io.ClassicBpfInstruction;

namespace LvsDirector.Io;

/// <summary>
/// Turns <see cref="IngressDropRules"/> into the classic BPF program tc runs in direct-action mode on the ingress
/// hook. Classic BPF because it needs neither flower nor the gact action (this kernel has neither) nor an eBPF
/// loader: cls_bpf takes it from tc's command line. The program returns TC_ACT_SHOT to drop and TC_ACT_UNSPEC
/// otherwise, so filters of others after it still run.
/// </summary>
/// <remarks>
/// Order of the tests, each a binary search of a trie: only frames to this interface's MAC (pkt_type HOST, which is
/// all lvsd forwards; frames of other hosts are not ours to drop); only IPv4 and IPv6; ICMPv6 neighbour discovery
/// always passes; a local destination passes; a virtual destination is dropped; a NAT real server's source is
/// dropped. Offsets are from the Ethernet header: cls_bpf pushes it back before running a program on ingress.
/// </remarks>
internal static class IngressFilterCompiler
{
    public const uint Drop = 2;                   // TC_ACT_SHOT
    public const uint Continue = uint.MaxValue;   // TC_ACT_UNSPEC: not ours, the next filter decides

    private const ushort LoadWord = Ld | SizeWord | ModeAbsolute;
    private const ushort LoadHalf = Ld | SizeHalf | ModeAbsolute;
    private const ushort LoadByte = Ld | SizeByte | ModeAbsolute;
    private const ushort LoadLength = Ld | SizeWord | ModeLength;
    private const uint PacketHost = 0;
    private const int Ipv4Source = 14 + 12;
    private const int Ipv4Destination = 14 + 16;
    private const int Ipv4MinimumFrame = 14 + 20;
    private const int Ipv6NextHeader = 14 + 6;
    private const int Ipv6Source = 14 + 8;
    private const int Ipv6Destination = 14 + 24;
    private const int Icmpv6Type = 14 + 40;
    private const int Ipv6MinimumFrame = 14 + 40 + 4;
    private const uint Icmpv6 = 58;
    private const uint RouterSolicitation = 133;
    private const uint Redirect = 137;

    // Up to this many single addresses are compared one after another at the bottom of a search.
    private const int BucketSize = 4;

    // A subtree this small (and its island) stays within a conditional jump's reach of 255 instructions.
    private const int IslandEdges = 64;

    /// <summary>The program, or an empty one when the rules drop nothing (then no filter is needed).</summary>
    public static ClassicBpfInstruction[] Compile(IngressDropRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.DropsNothing)
        {
            return [];
        }

        var asm = new ClassicBpfAssembler();
        var drop = asm.NewLabel();
        var pass = asm.NewLabel();
        var host = asm.NewLabel();
        var notIpv4 = asm.NewLabel();
        var ipv4 = rules.DropsIpv4 ? asm.NewLabel() : pass;
        var ipv6 = rules.DropsIpv6 ? asm.NewLabel() : pass;

        var longEnough4 = asm.NewLabel();
        asm.Emit(LoadWord, PacketTypeOffset);
        asm.Jump(JumpEqual, PacketHost, host, pass);
        asm.Mark(host);

        // A load past the end would end the program with 0, TC_ACT_OK, which skips the filters after this one.
        asm.Emit(LoadLength, 0);
        asm.Jump(JumpGreaterOrEqual, Ipv4MinimumFrame, longEnough4, pass);
        asm.Mark(longEnough4);
        asm.Emit(LoadHalf, 12);
        asm.Jump(JumpEqual, 0x0800, ipv4, notIpv4);
        asm.Mark(notIpv4);
        asm.Jump(JumpEqual, 0x86DD, ipv6, pass);

        if (rules.DropsIpv4)
        {
            asm.Mark(ipv4);
            var notLocal = asm.NewLabel();
            var notVirtual = asm.NewLabel();
            EmitLookup(asm, Trie4(rules.Local4), Ipv4Destination, pass, notLocal);
            asm.Mark(notLocal);
            EmitLookup(asm, Trie4(rules.Virtual4), Ipv4Destination, drop, notVirtual);
            asm.Mark(notVirtual);
            EmitLookup(asm, Trie4(rules.NatServers4.Select(a => (a, 32))), Ipv4Source, drop, pass);
        }

        if (rules.DropsIpv6)
        {
            asm.Mark(ipv6);
            var longEnough = asm.NewLabel();
            var icmp = asm.NewLabel();
            var aboveSolicitation = asm.NewLabel();
            var destination = asm.NewLabel();
            var notLocal = asm.NewLabel();
            var notVirtual = asm.NewLabel();
            asm.Emit(LoadLength, 0);
            asm.Jump(JumpGreaterOrEqual, Ipv6MinimumFrame, longEnough, pass);
            asm.Mark(longEnough);

            // Router/neighbour solicitations, advertisements and redirects go to the kernel whatever their address.
            asm.Emit(LoadByte, Ipv6NextHeader);
            asm.Jump(JumpEqual, Icmpv6, icmp, destination);
            asm.Mark(icmp);
            asm.Emit(LoadByte, Icmpv6Type);
            asm.Jump(JumpGreaterOrEqual, RouterSolicitation, aboveSolicitation, destination);
            asm.Mark(aboveSolicitation);
            asm.Jump(JumpGreater, Redirect, destination, pass);
            asm.Mark(destination);
            EmitLookup(asm, Trie6(rules.Local6), Ipv6Destination, pass, notLocal);
            asm.Mark(notLocal);
            EmitLookup(asm, Trie6(rules.Virtual6), Ipv6Destination, drop, notVirtual);
            asm.Mark(notVirtual);
            EmitLookup(asm, Trie6(rules.NatServers6.Select(a => (a, 128))), Ipv6Source, drop, pass);
        }

        asm.Mark(drop);
        asm.Emit(Ret, Drop);
        asm.Mark(pass);
        asm.Emit(Ret, Continue);
        return asm.Assemble();
    }

    private static AddressTrieNode Trie4(IEnumerable<(uint Address, int PrefixLength)> prefixes) =>
        AddressTrieNode.Build(prefixes.Select(p => (new[] { p.Address }, p.PrefixLength)));

    private static AddressTrieNode Trie6(IEnumerable<(UInt128 Address, int PrefixLength)> prefixes) =>
        AddressTrieNode.Build(prefixes.Select(p => (AddressTrieNode.Words(p.Address), p.PrefixLength)));

    /// <summary>Jumps to <paramref name="match"/> when the address at <paramref name="offset"/> is in the trie, else to <paramref name="miss"/>.</summary>
    private static void EmitLookup(ClassicBpfAssembler asm, AddressTrieNode root, int offset, ClassicBpfLabel match, ClassicBpfLabel miss)
    {
        if (root.Terminal)
        {
            asm.Goto(match);
            return;
        }

        EmitNode(asm, root, offset, match, miss);
    }

    private static void EmitNode(ClassicBpfAssembler asm, AddressTrieNode node, int offset, ClassicBpfLabel match, ClassicBpfLabel miss)
    {
        if (node.Edges.Count == 0)
        {
            asm.Goto(miss);
            return;
        }

        asm.Emit(LoadWord, (uint)offset);
        var targets = node.Edges.Select(e => e.Child.Terminal ? match : asm.NewLabel()).ToArray();
        EmitSearch(asm, node.Edges, 0, node.Edges.Count - 1, 0, uint.MaxValue, targets, miss);
        for (var i = 0; i < node.Edges.Count; i++)
        {
            if (!node.Edges[i].Child.Terminal)
            {
                asm.Mark(targets[i]);
                EmitNode(asm, node.Edges[i].Child, offset + 4, match, miss);
            }
        }
    }

    /// <summary>
    /// Binary search of edges [first, last] on the word in A, which is known to lie in [known low, known high]: one
    /// jge per level down to a bucket of at most <see cref="BucketSize"/> single values tested one by one (one
    /// instruction per address instead of two), or one range checked with at most two compares.
    /// </summary>
    /// <remarks>
    /// A subtree of at most <see cref="IslandEdges"/> edges jumps to an island of jumps placed right after it rather
    /// than to the far targets themselves: conditional jumps reach only 255 instructions, and a trampoline per leaf
    /// would double the program.
    /// </remarks>
    private static void EmitSearch(
        ClassicBpfAssembler asm, List<AddressTrieEdge> edges, int first, int last, uint knownLow, uint knownHigh, ClassicBpfLabel[] targets, ClassicBpfLabel miss, bool inIsland = false)
    {
        if (!inIsland && last - first + 1 <= IslandEdges && edges.Count > IslandEdges)
        {
            var far = targets[first..(last + 1)].Append(miss).Distinct().ToArray();
            var near = far.ToDictionary(f => f, _ => asm.NewLabel());
            var local = targets.Select(t => near.TryGetValue(t, out var n) ? n : t).ToArray();
            EmitSearch(asm, edges, first, last, knownLow, knownHigh, local, near[miss], inIsland: true);
            foreach (var f in far)
            {
                asm.Mark(near[f]);
                asm.Goto(f);
            }

            return;
        }

        if (last - first + 1 <= BucketSize && Enumerable.Range(first, last - first + 1).All(i => edges[i].Low == edges[i].High))
        {
            for (var i = first; i < last; i++)
            {
                var next = asm.NewLabel();
                asm.Jump(JumpEqual, edges[i].Low, targets[i], next);
                asm.Mark(next);
            }

            asm.Jump(JumpEqual, edges[last].Low, targets[last], miss);
            return;
        }

        if (first == last)
        {
            var edge = edges[first];
            var checkLow = edge.Low > knownLow;
            var checkHigh = edge.High < knownHigh;
            if (checkLow && checkHigh && edge.Low == edge.High)
            {
                asm.Jump(JumpEqual, edge.Low, targets[first], miss);
                return;
            }

            if (checkLow)
            {
                var atLeast = asm.NewLabel();
                asm.Jump(JumpGreaterOrEqual, edge.Low, atLeast, miss);
                asm.Mark(atLeast);
            }

            if (checkHigh)
            {
                asm.Jump(JumpGreater, edge.High, miss, targets[first]);
            }
            else
            {
                asm.Goto(targets[first]);
            }

            return;
        }

        var middle = (first + last + 1) / 2;
        var split = edges[middle].Low;
        var below = asm.NewLabel();
        var above = asm.NewLabel();
        asm.Jump(JumpGreaterOrEqual, split, above, below);
        asm.Mark(below);
        EmitSearch(asm, edges, first, middle - 1, knownLow, Math.Min(knownHigh, split - 1), targets, miss, inIsland);
        asm.Mark(above);
        EmitSearch(asm, edges, middle, last, Math.Max(knownLow, split), knownHigh, targets, miss, inIsland);
    }
}
