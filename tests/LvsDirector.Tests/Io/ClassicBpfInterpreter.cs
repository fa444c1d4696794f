using System.Buffers.Binary;
using LvsDirector.Io;

namespace LvsDirector.Tests.Io;

/// <summary>
/// Runs a classic BPF program over one frame the way the kernel does for a cls_bpf program on ingress (the frame from
/// its Ethernet header): the opcodes lvsd's compiler emits, checked first as the kernel's bpf_check_classic checks them.
/// An out-of-bounds load ends the program with 0, as in the kernel.
/// </summary>
internal static class ClassicBpfInterpreter
{
    public const uint PacketHost = 0;
    public const uint PacketOtherHost = 3;

    public static uint Run(IReadOnlyList<ClassicBpfInstruction> program, ReadOnlySpan<byte> frame, uint packetType = PacketHost) =>
        Run(program, frame, packetType, out _);

    /// <summary>Runs the program; <paramref name="steps"/> is how many instructions the frame went through.</summary>
    public static uint Run(IReadOnlyList<ClassicBpfInstruction> program, ReadOnlySpan<byte> frame, uint packetType, out int steps)
    {
        Validate(program);
        uint a = 0;
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
                case 0x20:
                    if (i.K + 4 > frame.Length)
                    {
                        return 0;
                    }

                    a = BinaryPrimitives.ReadUInt32BigEndian(frame[(int)i.K..]);
                    break;
                case 0x28:
                    if (i.K + 2 > frame.Length)
                    {
                        return 0;
                    }

                    a = BinaryPrimitives.ReadUInt16BigEndian(frame[(int)i.K..]);
                    break;
                case 0x30:
                    if (i.K + 1 > frame.Length)
                    {
                        return 0;
                    }

                    a = frame[(int)i.K];
                    break;
                case 0x80:
                    a = (uint)frame.Length;
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
                default:
                    throw new InvalidOperationException($"opcode 0x{i.Code:x} at {pc - 1} is not one the compiler emits");
            }
        }
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
