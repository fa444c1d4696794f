using System.Buffers.Binary;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Tests.Packets;
using Xunit.Abstractions;

namespace LvsDirector.Tests.Io;

/// <summary>
/// The classic BPF program of the kernel ingress filter, run by <see cref="ClassicBpfInterpreter"/> over frames: what is
/// dropped (TC_ACT_SHOT) and what is left to the kernel (TC_ACT_UNSPEC), on hand-picked frames and against a literal
/// reading of the rules over random sets large enough to need long jumps.
/// </summary>
public sealed class IngressFilterCompilerTests(ITestOutputHelper output)
{
    private const uint Director = 0xC612_0001;      // 198.18.0.1/24
    private const uint Vip = 0xC612_0064;           // 198.18.0.100
    private const uint Client = 0xC612_0002;        // 198.18.0.2
    private const uint NatServer = 0xC613_000B;     // 198.19.0.11
    private const uint DirectorServerSide = 0xC613_0001;

    private static readonly UInt128 Director6 = Ipv6Address.Parse("2001:db8::1");
    private static readonly UInt128 Vip6 = Ipv6Address.Parse("2001:db8::100");
    private static readonly UInt128 Client6 = Ipv6Address.Parse("2001:db8::2");
    private static readonly UInt128 NatServer6 = Ipv6Address.Parse("2001:db8:1::11");
    private static readonly UInt128 Multicast6 = Ipv6Address.Parse("ff00::");

    private static readonly IngressDropRules Lab = new(
        [(0xE000_0000, 3), (Director, 32), (0xC612_00FF, 32), (DirectorServerSide, 32)],
        [(Multicast6, 8), (Director6, 128)],
        [(Vip, 32), (0xC614_0000, 24)],
        [(Vip6, 128), (Ipv6Address.Parse("2001:db8:5::"), 64)],
        [NatServer],
        [NatServer6]);

    [Fact]
    public void Frames_lvsd_forwards_are_dropped_and_the_kernels_own_pass()
    {
        var program = IngressFilterCompiler.Compile(Lab);

        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Client, Vip)));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Client, 0xC614_0042)));   // firewall-mark prefix
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(NatServer, Client)));     // NAT reply
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(NatServer, DirectorServerSide)));  // health check reply
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(NatServer, Director)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(NatServer, 0xC612_00FF)));  // directed broadcast
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(NatServer, 0xE000_0012)));  // VRRP multicast
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(NatServer, uint.MaxValue)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Client, Director)));        // SSH, control traffic
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Client, 0xC612_0065)));     // not a VIP
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Client, Vip), ClassicBpfInterpreter.PacketOtherHost));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Arp()));

        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp6(Client6, Vip6)));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp6(Client6, Ipv6Address.Parse("2001:db8:5::abcd"))));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp6(NatServer6, Client6)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp6(NatServer6, Director6)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp6(NatServer6, Ipv6Address.Parse("ff02::1:ff00:1"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp6(Client6, Director6)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp6(Client6, Ipv6Address.Parse("2001:db8:5:1::1"))));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp6(Client6, Vip6), ClassicBpfInterpreter.PacketOtherHost));

        // Neighbour discovery always reaches the kernel, even addressed to a VIP or sent by a NAT server.
        foreach (var type in new byte[] { 133, 134, 135, 136, 137 })
        {
            Assert.Equal(IngressFilterCompiler.Continue, Run(program, Icmp6(Client6, Vip6, type)));
            Assert.Equal(IngressFilterCompiler.Continue, Run(program, Icmp6(NatServer6, Client6, type)));
        }

        // ICMPv6 that is not ND is judged by its addresses like everything else.
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Icmp6(Client6, Vip6, 128)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Icmp6(Client6, Director6, 128)));
    }

    [Fact]
    public void No_rules_no_program_and_one_family_leaves_the_other_alone()
    {
        Assert.Empty(IngressFilterCompiler.Compile(Lab with { Virtual4 = [], Virtual6 = [], NatServers4 = [], NatServers6 = [] }));

        var ipv4Only = IngressFilterCompiler.Compile(Lab with { Virtual6 = [], NatServers6 = [] });
        Assert.Equal(IngressFilterCompiler.Drop, Run(ipv4Only, Udp4(Client, Vip)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(ipv4Only, Udp6(Client6, Vip6)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(ipv4Only, Udp6(NatServer6, Client6)));
    }

    [Fact]
    public void A_local_address_inside_a_virtual_prefix_still_passes()
    {
        var rules = Lab with { Virtual4 = [(0xC612_0000, 16)], Virtual6 = [(Ipv6Address.Parse("2001:db8::"), 32)] };
        var program = IngressFilterCompiler.Compile(rules);

        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp4(Client, Director)));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Client, 0xC612_0105)));
        Assert.Equal(IngressFilterCompiler.Continue, Run(program, Udp6(Client6, Director6)));
        Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp6(Client6, Ipv6Address.Parse("2001:db8:ffff::1"))));
    }

    [Fact]
    public void Every_truncated_frame_is_left_to_the_kernel_and_never_ends_the_program_early()
    {
        var program = IngressFilterCompiler.Compile(Lab);
        foreach (var frame in new[] { Udp4(Client, Vip), Udp4(NatServer, Client), Udp6(Client6, Vip6), Udp6(NatServer6, Client6), Icmp6(Client6, Vip6, 135) })
        {
            for (var length = 0; length < frame.Length; length++)
            {
                var verdict = Run(program, frame.AsSpan(0, length));
                var whole = Run(program, frame);
                Assert.True(verdict == IngressFilterCompiler.Continue || (verdict == whole && length >= 34), $"length {length}: {verdict}");
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(20, 3)]
    [InlineData(300, 40)]
    [InlineData(900, 120)]
    public void Random_sets_give_the_verdicts_of_a_literal_reading(int ipv4Count, int ipv6Count)
    {
        var random = new Random(ipv4Count * 7919 + ipv6Count);
        var rules = RandomRules(random, ipv4Count, ipv6Count);
        var program = IngressFilterCompiler.Compile(rules);
        output.WriteLine($"{ipv4Count} + {ipv6Count} of each set: {program.Length} instructions");
        Assert.InRange(program.Length, 1, ClassicBpfInstruction.MaxInstructions);
        if (ipv4Count >= 300)
        {
            // Too many addresses for 8-bit jump offsets: the assembler had to add trampolines.
            Assert.Contains(program, i => i.Code == 0x05);
        }

        for (var n = 0; n < 4000; n++)
        {
            var (frame, expected) = RandomFrame(random, rules);
            Assert.Equal(expected, Run(program, frame));
        }
    }

    [Fact]
    public void A_thousand_vips_and_a_thousand_nat_servers_fit_in_one_program()
    {
        var random = new Random(5);
        // Unicast addresses that are not the director's, as the planner's rules hold them.
        var vips = Enumerable.Range(0, 1000).Select(_ => (0x8000_0000u + (uint)random.Next(0x5FFF_FFFF), 32)).Where(v => !IsLocal(v.Item1)).ToArray();
        var servers = Enumerable.Range(0, 1000).Select(_ => (uint)random.Next()).ToArray();
        var program = IngressFilterCompiler.Compile(Lab with { Virtual4 = vips, NatServers4 = servers });

        output.WriteLine($"{vips.Length} VIPs and {servers.Length} NAT servers: {program.Length} instructions");
        Assert.InRange(program.Length, 1, ClassicBpfInstruction.MaxInstructions);
        foreach (var (vip, _) in vips)
        {
            Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(Client, vip)));
        }

        foreach (var server in servers)
        {
            Assert.Equal(IngressFilterCompiler.Drop, Run(program, Udp4(server, 0xC612_0201)));
        }
    }

    private static bool IsLocal(uint address) => address is Director or DirectorServerSide or 0xC612_00FF;

    [Fact]
    public void The_work_per_frame_grows_with_the_logarithm_of_the_sets_not_with_their_size()
    {
        int WorstSteps(int count)
        {
            var random = new Random(count);
            var vips = Enumerable.Range(0, count).Select(_ => (0x8000_0000u + (uint)random.Next(0x5FFF_FFFF), 32)).Where(v => !IsLocal(v.Item1)).ToArray();
            var servers = Enumerable.Range(0, count).Select(_ => 0x8000_0000u + (uint)random.Next(0x5FFF_FFFF)).ToArray();
            var program = IngressFilterCompiler.Compile(Lab with { Virtual4 = vips, NatServers4 = servers });
            var worst = 0;
            foreach (var frame in vips.Select(v => Udp4(Client, v.Item1)).Concat(servers.Select(s => Udp4(s, 0xC612_0201))).Append(Udp4(0xC612_0201, 0xC612_0202)))
            {
                ClassicBpfInterpreter.Run(program, frame, ClassicBpfInterpreter.PacketHost, out var steps);
                worst = Math.Max(worst, steps);
            }

            output.WriteLine($"{count} VIPs and {count} NAT servers: at most {worst} instructions per frame, {program.Length} in the program");
            return worst;
        }

        var small = WorstSteps(10);
        var large = WorstSteps(1000);

        // 100 times the addresses: about log2(100) more compares in each of the two searches a frame can go through.
        Assert.InRange(large, small, small + 20);
        Assert.True(large <= 45, $"{large} instructions for a frame");
    }

    [Fact]
    public void Tc_bytecode_is_the_count_then_one_quad_per_instruction()
    {
        var program = IngressFilterCompiler.Compile(Lab with { Virtual6 = [], NatServers6 = [], NatServers4 = [], Local4 = [(Director, 32)] });
        var text = ClassicBpfInstruction.ToTcBytecode(program);

        var parts = text.Split(',');
        Assert.Equal(program.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), parts[0]);
        Assert.Equal(program.Length + 1, parts.Length);
        Assert.Equal("40 0 0 12", parts[5]);                 // ldh [12]: the EtherType, after pkt_type and length
        Assert.Equal("6 0 0 2", parts[^2]);                  // ret #TC_ACT_SHOT
        Assert.Equal("6 0 0 4294967295", parts[^1]);         // ret #TC_ACT_UNSPEC
    }

    internal static uint Run(IReadOnlyList<ClassicBpfInstruction> program, ReadOnlySpan<byte> frame, uint packetType = ClassicBpfInterpreter.PacketHost) =>
        program.Count == 0 ? IngressFilterCompiler.Continue : ClassicBpfInterpreter.Run(program, frame, packetType);

    internal static byte[] Udp4(uint source, uint destination) =>
        new FrameBuilder { SourceAddress = source, DestinationAddress = destination }.Udp(40000, 80, "x"u8);

    internal static byte[] Udp6(UInt128 source, UInt128 destination) =>
        new Ipv6FrameBuilder { SourceAddress = source, DestinationAddress = destination }.Udp(40000, 80, "x"u8);

    internal static byte[] Icmp6(UInt128 source, UInt128 destination, byte type) =>
        new Ipv6FrameBuilder { SourceAddress = source, DestinationAddress = destination }.IcmpEcho(1, 1, new byte[16], type);

    internal static byte[] Arp()
    {
        var frame = new byte[42];
        frame.AsSpan(0, 6).Fill(0xFF);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0806);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(38), Vip);
        return frame;
    }

    private static IngressDropRules RandomRules(Random random, int ipv4Count, int ipv6Count)
    {
        // Addresses from a few /16s (IPv4) and /96s (IPv6) so prefixes overlap one another and the local addresses.
        uint Address4() => (uint)(0xC612_0000 + (random.Next(4) << 16) + random.Next(1 << 16));
        UInt128 Address6() => (Ipv6Address.Parse("2001:db8::") | ((UInt128)(uint)random.Next(3) << 64)) + (uint)random.Next(1 << 20);
        int Prefix4() => random.Next(4) == 0 ? random.Next(16, 32) : 32;
        int Prefix6() => random.Next(4) == 0 ? random.Next(64, 128) : 128;

        return new IngressDropRules(
            [(0xE000_0000, 3), .. Enumerable.Range(0, 6).Select(_ => (Address4(), 32))],
            [(Multicast6, 8), .. Enumerable.Range(0, 4).Select(_ => (Address6(), 128))],
            [.. Enumerable.Range(0, ipv4Count).Select(_ => (Address4(), Prefix4()))],
            [.. Enumerable.Range(0, ipv6Count).Select(_ => (Address6(), Prefix6()))],
            [.. Enumerable.Range(0, ipv4Count).Select(_ => Address4())],
            [.. Enumerable.Range(0, ipv6Count).Select(_ => Address6())]);
    }

    /// <summary>A frame near the sets (or in them) and the verdict of reading the rules literally.</summary>
    private static (byte[] Frame, uint Verdict) RandomFrame(Random random, IngressDropRules rules)
    {
        if (random.Next(2) == 0)
        {
            uint Pick() => random.Next(3) switch
            {
                0 => rules.Virtual4[random.Next(rules.Virtual4.Count)].Address ^ (uint)random.Next(4),
                1 => rules.NatServers4[random.Next(rules.NatServers4.Count)],
                _ => random.Next(5) == 0 ? rules.Local4[random.Next(rules.Local4.Count)].Address : (uint)(0xC612_0000 + random.Next(1 << 18)),
            };

            var (source, destination) = (Pick(), Pick());
            var drop = !In4(rules.Local4, destination) && (In4(rules.Virtual4, destination) || rules.NatServers4.Contains(source));
            return (Udp4(source, destination), drop ? IngressFilterCompiler.Drop : IngressFilterCompiler.Continue);
        }

        UInt128 Pick6() => random.Next(3) switch
        {
            0 => rules.Virtual6[random.Next(rules.Virtual6.Count)].Address ^ (uint)random.Next(4),
            1 => rules.NatServers6[random.Next(rules.NatServers6.Count)],
            _ => random.Next(5) == 0 ? rules.Local6[random.Next(rules.Local6.Count)].Address : Ipv6Address.Parse("2001:db8::") + (uint)random.Next(1 << 20),
        };

        var (source6, destination6) = (Pick6(), Pick6());
        var drop6 = !In6(rules.Local6, destination6) && (In6(rules.Virtual6, destination6) || rules.NatServers6.Contains(source6));
        return (Udp6(source6, destination6), drop6 ? IngressFilterCompiler.Drop : IngressFilterCompiler.Continue);
    }

    private static bool In4(IReadOnlyList<(uint Address, int PrefixLength)> prefixes, uint address) =>
        prefixes.Any(p => p.PrefixLength == 0 || (address >> (32 - p.PrefixLength)) == (p.Address >> (32 - p.PrefixLength)));

    private static bool In6(IReadOnlyList<(UInt128 Address, int PrefixLength)> prefixes, UInt128 address) =>
        prefixes.Any(p => p.PrefixLength == 0 || (address >> (128 - p.PrefixLength)) == (p.Address >> (128 - p.PrefixLength)));
}
