using System.Buffers.Binary;
using LvsDirector.Io;

namespace LvsDirector.Tests.Io;

/// <summary>
/// Runs a classic BPF program the way the kernel does: a cls_bpf program on ingress over the frame from its Ethernet
/// header (<see cref="Run(IReadOnlyList{ClassicBpfInstruction}, ReadOnlySpan{byte}, uint)"/>), or a fanout program from
/// the network header (<see cref="RunFanout"/>). Only the opcodes lvsd's programs use are known, so a builder change
/// cannot pass unseen; each program is checked first as bpf_check_classic checks it. An out-of-bounds load ends the
/// program with 0, as in the kernel.
/// </summary>
internal static class ClassicBpfInterpreter
{
    public const uint PacketHost = 0;
    public const uint PacketOtherHost = 3;

    public static uint Run(IReadOnlyList<ClassicBpfInstruction> program, ReadOnlySpan<byte> frame, uint packetType = PacketHost) =>
        Run(program, frame, packetType, out _);

    /// <summary>Runs the program; <paramref name="steps"/> is how many instructions the frame went through.</summary>
    public static uint Run(IReadOnlyList<ClassicBpfInstruction> program, ReadOnlySpan<byte> frame, uint packetType, out int steps) =>
        Execute(program, frame, packetType, 0, out steps);

    /// <summary>
    /// Runs a PACKET_FANOUT_CBPF program as the kernel does: on the packet from its network header (the fanout runs
    /// before any packet socket pushes the link header back), with skb->protocol as <paramref name="etherType"/>.
    /// </summary>
    public static uint RunFanout(IReadOnlyList<ClassicBpfInstruction> program, ReadOnlySpan<byte> packet, ushort etherType) =>
        Execute(program, packet, PacketHost, etherType, out _);

    private static uint Execute(IReadOnlyList<ClassicBpfInstruction> program, ReadOnlySpan<byte> frame, uint packetType, ushort etherType, out int steps)
    {
        Validate(program);
        uint a = 0, x = 0;
        Span<uint> memory = stackalloc uint[16];
        var pc = 0;
        steps = 0;
        while (true)
        {
            steps++;
            var i = program[pc++];
            switch (i.Code)
            {
                case 0x20 when i.K == ClassicBpfInstruction.PacketTypeOffset:
                    a = packetType;
                    break;
                case 0x28 when i.K == ClassicBpfInstruction.ProtocolOffset:
                    a = etherType;
                    break;
                case 0x20 or 0x28 or 0x30:
                    if (!Load(frame, i.K, i.Code & 0x18, out a))
                    {
                        return 0;
                    }

                    break;
                case 0x40 or 0x48 or 0x50:
                    if (!Load(frame, (long)x + i.K, i.Code & 0x18, out a))
                    {
                        return 0;
                    }

                    break;
                case 0x00:
                    a = i.K;
                    break;
                case 0x60:
                    a = memory[(int)i.K];
                    break;
                case 0x61:
                    x = memory[(int)i.K];
                    break;
                case 0xb1:
                    if (i.K >= frame.Length)
                    {
                        return 0;
                    }

                    x = (uint)(frame[(int)i.K] & 0xF) * 4;
                    break;
                case 0x02:
                    memory[(int)i.K] = a;
                    break;
                case 0x80:
                    a = (uint)frame.Length;
                    break;
                case 0x54:
                    a &= i.K;
                    break;
                case 0x24:
                    a *= i.K;
                    break;
                case 0x74:
                    a >>= (int)i.K;
                    break;
                case 0xac:
                    a ^= x;
                    break;
                case 0x05:
                    pc += (int)i.K;
                    break;
                case 0x15:
                    pc += a == i.K ? i.JumpTrue : i.JumpFalse;
                    break;
                case 0x25:
                    pc += a > i.K ? i.JumpTrue : i.JumpFalse;
                    break;
                case 0x35:
                    pc += a >= i.K ? i.JumpTrue : i.JumpFalse;
                    break;
                case 0x06:
                    return i.K;
                case 0x16:
                    return a;
                default:
                    throw new InvalidOperationException($"opcode 0x{i.Code:x} at {pc - 1} is not one lvsd's programs use");
            }
        }
    }

    private static bool Load(ReadOnlySpan<byte> frame, long offset, int size, out uint value)
    {
        var length = size switch { 0x00 => 4, 0x08 => 2, _ => 1 };
        if (offset < 0 || offset + length > frame.Length)
        {
            value = 0;
            return false;
        }

        var at = frame[(int)offset..];
        value = size switch
        {
            0x00 => BinaryPrimitives.ReadUInt32BigEndian(at),
            0x08 => BinaryPrimitives.ReadUInt16BigEndian(at),
            _ => at[0],
        };
        return true;
    }

    /// <summary>The kernel's rules: 1..4096 instructions, every jump lands inside the program, the last one returns.</summary>
    public static void Validate(IReadOnlyList<ClassicBpfInstruction> program)
    {
        if (program.Count is 0 or > ClassicBpfInstruction.MaxInstructions)
        {
            throw new InvalidOperationException($"{program.Count} instructions");
        }

        for (var pc = 0; pc < program.Count; pc++)
        {
            var i = program[pc];
            var reach = i.Code == 0x05 ? (long)i.K : i.IsConditionalJump ? Math.Max(i.JumpTrue, i.JumpFalse) : 0;
            if (pc + 1 + reach >= program.Count && !i.IsReturn)
            {
                throw new InvalidOperationException($"instruction {pc} jumps out of the program");
            }
        }

        if (!program[^1].IsReturn)
        {
            throw new InvalidOperationException("the last instruction does not return");
        }
    }
}
