using System.Net.Sockets;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;
using static LvsDirector.Io.ClassicBpfInstruction;

namespace LvsDirector.DataPath;

/// <summary>
/// The PACKET_FANOUT_CBPF program that picks the packet worker of every frame, built from the service table when it
/// changes. Each worker owns its connections, so both directions of a connection must reach the same worker; the
/// program keys on the client address, which both carry: the source of a frame to a virtual address (VIP or a
/// firewall-mark rule's destination), the destination of anything else (NAT replies, and ICMP errors a real server
/// sends the client), and for an ICMP error to a VIP the destination of the quoted packet (the client we sent it to).
/// </summary>
/// <remarks>
/// The client address is ANDed with the widest persistence netmask of its family first, so every client network a
/// persistence template covers lands on the worker that holds the template; fragments carry the addresses too, so
/// they follow their first fragment. ARP and Neighbor Discovery go to worker 0, which answers for the VIPs and tells
/// the other workers what it learned. The fanout runs on the frame from its network header, before any packet socket
/// sees it, so offsets below count from there. The kernel takes the returned value modulo the number of workers.
/// </remarks>
internal static class WorkerSteeringProgram
{
    private const uint GoldenRatio = 0x9E3779B1;
    private const ushort EtherTypeIpv4 = 0x0800;
    private const ushort EtherTypeIpv6 = 0x86DD;
    private const uint Ipv4Destination = 16;
    private const uint Ipv4Source = 12;
    private const uint Ipv6Source = 8;
    private const uint Ipv6Destination = 24;
    private const uint Icmpv6Type = 40;

    /// <summary>The program for <paramref name="snapshot"/>; longer than <see cref="MaxInstructions"/> when its virtual addresses do not fit.</summary>
    public static ClassicBpfInstruction[] Build(ServiceTableSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var persistence4 = uint.MaxValue;
        var persistence6 = UInt128.MaxValue;
        foreach (var service in snapshot.Services)
        {
            if (service.Persistence is { } persistence)
            {
                if (service.IsIpv6)
                {
                    persistence6 &= persistence.Ipv6Mask;
                }
                else
                {
                    persistence4 &= persistence.Netmask;
                }
            }
        }

        var networks4 = new List<(uint Network, uint Mask)>();
        var networks6 = new List<(UInt128 Network, UInt128 Mask)>();
        foreach (var rule in snapshot.Marks.Rules)
        {
            if (rule.Destination.AddressFamily == AddressFamily.InterNetworkV6)
            {
                var mask = Ipv6Address.PrefixMask(rule.PrefixLength);
                networks6.Add((Ipv6Address.FromIPAddress(rule.Destination) & mask, mask));
            }
            else
            {
                var mask = rule.PrefixLength == 0 ? 0u : uint.MaxValue << (32 - rule.PrefixLength);
                networks4.Add((ServiceTable.ToHostOrder(rule.Destination) & mask, mask));
            }
        }

        return Build(
            [.. snapshot.VirtualAddresses.Order()], networks4, persistence4,
            [.. snapshot.VirtualAddresses6.Order()], networks6, persistence6);
    }

    /// <summary>The program from its inputs (addresses in host order, IPv6 with the first wire byte most significant).</summary>
    /// <summary>Every frame to worker 0: what runs while the real program does not fit.</summary>
    public static ClassicBpfInstruction[] AllToWorkerZero { get; } = [new(Ret, 0, 0, 0)];

    internal static ClassicBpfInstruction[] Build(
        IReadOnlyList<uint> vips4, IReadOnlyList<(uint Network, uint Mask)> networks4, uint clientMask4,
        IReadOnlyList<UInt128> vips6, IReadOnlyList<(UInt128 Network, UInt128 Mask)> networks6, UInt128 clientMask6)
    {
        ArgumentNullException.ThrowIfNull(vips4);
        ArgumentNullException.ThrowIfNull(networks4);
        ArgumentNullException.ThrowIfNull(vips6);
        ArgumentNullException.ThrowIfNull(networks6);
        var asm = new ClassicBpfAssembler();
        var ipv4 = asm.NewLabel();
        var ipv6 = asm.NewLabel();

        asm.Emit(Ld | SizeHalf | ModeAbsolute, ProtocolOffset);
        JumpIf(asm, JumpEqual, EtherTypeIpv4, ipv4);
        JumpIf(asm, JumpEqual, EtherTypeIpv6, ipv6);
        asm.Emit(Ret, 0);

        asm.Mark(ipv4);
        EmitIpv4(asm, vips4, networks4, clientMask4);
        asm.Mark(ipv6);
        EmitIpv6(asm, vips6, networks6, clientMask6);
        return asm.Assemble();
    }

    // IPv4 header: protocol at 9, source at 12, destination at 16; the ICMP header follows the IHL.
    private static void EmitIpv4(ClassicBpfAssembler asm, IReadOnlyList<uint> vips, IReadOnlyList<(uint Network, uint Mask)> networks, uint clientMask)
    {
        var toVip = asm.NewLabel();
        var icmp = asm.NewLabel();
        var error = asm.NewLabel();
        var hash = asm.NewLabel();

        asm.Emit(Ld | SizeWord | ModeAbsolute, Ipv4Destination);
        foreach (var vip in vips)
        {
            JumpIf(asm, JumpEqual, vip, toVip);
        }

        foreach (var (network, mask) in networks)
        {
            asm.Emit(Ld | SizeWord | ModeAbsolute, Ipv4Destination);
            asm.Emit(Alu | AluAnd, mask);
            JumpIf(asm, JumpEqual, network, toVip);
        }

        // Not to a virtual address: a reply or an error on its way to the client, keyed on the destination.
        asm.Emit(Ld | SizeWord | ModeAbsolute, Ipv4Destination);
        asm.Goto(hash);

        asm.Mark(toVip);
        asm.Emit(Ld | SizeByte | ModeAbsolute, 9);
        JumpIf(asm, JumpEqual, IpProtocol.Icmp, icmp);
        asm.Emit(Ld | SizeWord | ModeAbsolute, Ipv4Source);
        asm.Goto(hash);

        asm.Mark(icmp);
        asm.Emit(Ldx | SizeByte | ModeIpHeaderLength, 0);
        asm.Emit(Ld | SizeByte | ModeIndirect, 0);
        JumpIf(asm, JumpEqual, Icmp.DestinationUnreachableType, error);
        JumpIf(asm, JumpEqual, Icmp.SourceQuenchType, error);
        JumpIf(asm, JumpEqual, Icmp.TimeExceededType, error);
        asm.Emit(Ld | SizeWord | ModeAbsolute, Ipv4Source);
        asm.Goto(hash);

        // An error to a VIP quotes a packet we sent to the client: the quote's destination (after the 8-byte ICMP
        // header, at 16 in the quoted IPv4 header) is the client.
        asm.Mark(error);
        asm.Emit(Ld | SizeWord | ModeIndirect, Icmp.HeaderLength + Ipv4Destination);

        asm.Mark(hash);
        asm.Emit(Alu | AluAnd, clientMask);
        EmitHashAndReturn(asm);
    }

    // IPv6 header: next header at 6, source at 8, destination at 24; ICMPv6 (without extension headers) at 40.
    private static void EmitIpv6(
        ClassicBpfAssembler asm, IReadOnlyList<UInt128> vips, IReadOnlyList<(UInt128 Network, UInt128 Mask)> networks, UInt128 clientMask)
    {
        var vipCheck = asm.NewLabel();
        var toVip = asm.NewLabel();
        var icmp = asm.NewLabel();
        var notError = asm.NewLabel();
        var error = asm.NewLabel();

        // Router and Neighbor Discovery (types 133-137) go to worker 0, whatever their addresses.
        asm.Emit(Ld | SizeByte | ModeAbsolute, 6);
        JumpUnless(asm, JumpEqual, IpProtocol.Icmpv6, vipCheck);
        asm.Emit(Ld | SizeByte | ModeAbsolute, Icmpv6Type);
        JumpUnless(asm, JumpGreaterOrEqual, NeighborDiscovery.RouterSolicitationType, vipCheck);
        JumpIf(asm, JumpGreater, NeighborDiscovery.RedirectType, vipCheck);
        asm.Emit(Ret, 0);

        asm.Mark(vipCheck);
        foreach (var vip in vips)
        {
            EmitMatch6(asm, vip, UInt128.MaxValue, toVip);
        }

        foreach (var (network, mask) in networks)
        {
            EmitMatch6(asm, network, mask, toVip);
        }

        EmitHash6(asm, Ipv6Destination, clientMask);

        asm.Mark(toVip);
        asm.Emit(Ld | SizeByte | ModeAbsolute, 6);
        JumpIf(asm, JumpEqual, IpProtocol.Icmpv6, icmp);
        EmitHash6(asm, Ipv6Source, clientMask);

        asm.Mark(icmp);
        asm.Emit(Ld | SizeByte | ModeAbsolute, Icmpv6Type);
        JumpUnless(asm, JumpGreaterOrEqual, Icmpv6.DestinationUnreachableType, notError);
        asm.Jump(JumpGreater, Icmpv6.ParameterProblemType, notError, error);
        asm.Mark(notError);
        EmitHash6(asm, Ipv6Source, clientMask);

        // The quoted IPv6 header follows the 8-byte ICMPv6 header; its destination is the client.
        asm.Mark(error);
        EmitHash6(asm, Ipv6Header.Length + 8 + Ipv6Destination, clientMask);
    }

    // Compares the destination under mask with network word by word, jumping to match when all four agree.
    private static void EmitMatch6(ClassicBpfAssembler asm, UInt128 network, UInt128 mask, ClassicBpfLabel match)
    {
        var next = asm.NewLabel();
        for (var word = 0; word < 4; word++)
        {
            var maskWord = Word(mask, word);
            if (maskWord == 0)
            {
                continue;
            }

            asm.Emit(Ld | SizeWord | ModeAbsolute, Ipv6Destination + (uint)(4 * word));
            if (maskWord != uint.MaxValue)
            {
                asm.Emit(Alu | AluAnd, maskWord);
            }

            JumpUnless(asm, JumpEqual, Word(network, word), next);
        }

        asm.Goto(match);
        asm.Mark(next);
    }

    // XOR of the address words under the client mask (scratch word 0 holds the running value), then the hash.
    private static void EmitHash6(ClassicBpfAssembler asm, uint offset, UInt128 clientMask)
    {
        var first = true;
        for (var word = 0; word < 4; word++)
        {
            var maskWord = Word(clientMask, word);
            if (maskWord == 0)
            {
                continue;
            }

            asm.Emit(Ld | SizeWord | ModeAbsolute, offset + (uint)(4 * word));
            asm.Emit(Alu | AluAnd, maskWord);
            if (!first)
            {
                asm.Emit(Ldx | SizeWord | ModeMemory, 0);
                asm.Emit(Alu | AluXor | SourceX, 0);
            }

            asm.Emit(St, 0);
            first = false;
        }

        if (first)
        {
            // A /0 persistence prefix: every IPv6 client is one network.
            asm.Emit(Ld | SizeWord | ModeImmediate, 0);
        }

        EmitHashAndReturn(asm);
    }

    // A multiplicative hash, so that neighbouring client addresses spread over the workers.
    private static void EmitHashAndReturn(ClassicBpfAssembler asm)
    {
        asm.Emit(Alu | AluMultiply, GoldenRatio);
        asm.Emit(Alu | AluShiftRight, 16);
        asm.Emit(Ret | ReturnA, 0);
    }

    private static uint Word(UInt128 value, int word) => (uint)(value >> (96 - (32 * word)));

    // Goes to target when the test holds, else on; the assembler adds a trampoline when target is far.
    private static void JumpIf(ClassicBpfAssembler asm, ushort test, uint k, ClassicBpfLabel target)
    {
        var next = asm.NewLabel();
        asm.Jump(test, k, target, next);
        asm.Mark(next);
    }

    // Goes on when the test holds, else to target.
    private static void JumpUnless(ClassicBpfAssembler asm, ushort test, uint k, ClassicBpfLabel target)
    {
        var next = asm.NewLabel();
        asm.Jump(test, k, next, target);
        asm.Mark(next);
    }
}
