using System.Buffers.Binary;
using LvsDirector.Interop.Linux;
using static LvsDirector.DataPath.ClassicBpfAssembler;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// Runs a classic BPF program the way the kernel runs a PACKET_FANOUT_CBPF one: on the packet from its network
/// header, skb->protocol through the ancillary load, and 0 returned when a load falls outside the packet. Only the
/// instructions the steering program may use are known; any other throws, so a builder change cannot pass unseen.
/// </summary>
internal static class ClassicBpfInterpreter
{
    public static uint Run(IReadOnlyList<SockFilter> program, ReadOnlySpan<byte> packet, ushort etherType)
    {
        uint a = 0, x = 0;
        Span<uint> memory = stackalloc uint[16];
        for (var pc = 0; pc < program.Count; pc++)
        {
            var (code, jt, jf, k) = program[pc];
            switch (code)
            {
                case Ld | W | Abs or Ld | H | Abs or Ld | B | Abs:
                    if (k == AncillaryProtocol && (code & 0x18) == H)
                    {
                        a = etherType;
                        break;
                    }

                    if (!Load(packet, k, code & 0x18, out a))
                    {
                        return 0;
                    }

                    break;
                case Ld | W | Ind or Ld | H | Ind or Ld | B | Ind:
                    if (!Load(packet, x + k, code & 0x18, out a))
                    {
                        return 0;
                    }

                    break;
                case Ld | W | Imm:
                    a = k;
                    break;
                case Ld | W | Mem:
                    a = memory[(int)k];
                    break;
                case Ldx | W | Mem:
                    x = memory[(int)k];
                    break;
                case Ldx | B | Msh:
                    if (k >= packet.Length)
                    {
                        return 0;
                    }

                    x = (uint)(packet[(int)k] & 0xF) * 4;
                    break;
                case St:
                    memory[(int)k] = a;
                    break;
                case Alu | And | SourceK:
                    a &= k;
                    break;
                case Alu | Mul | SourceK:
                    a *= k;
                    break;
                case Alu | Rsh | SourceK:
                    a >>= (int)k;
                    break;
                case Alu | Xor | SourceX:
                    a ^= x;
                    break;
                case Jmp | Ja:
                    pc += (int)k;
                    break;
                case Jmp | Jeq | SourceK:
                    pc += a == k ? jt : jf;
                    break;
                case Jmp | Jgt | SourceK:
                    pc += a > k ? jt : jf;
                    break;
                case Jmp | Jge | SourceK:
                    pc += a >= k ? jt : jf;
                    break;
                case Ret | SourceK:
                    return k;
                case Ret | RetA:
                    return a;
                default:
                    throw new InvalidOperationException($"instruction 0x{code:x4} at {pc} is not interpreted");
            }
        }

        throw new InvalidOperationException("the program ran off its end (the kernel's checker refuses that)");
    }

    private static bool Load(ReadOnlySpan<byte> packet, uint offset, int size, out uint value)
    {
        var length = size switch { W => 4, H => 2, _ => 1 };
        if (offset > int.MaxValue || offset + (uint)length > packet.Length)
        {
            value = 0;
            return false;
        }

        var at = packet[(int)offset..];
        value = size switch
        {
            W => BinaryPrimitives.ReadUInt32BigEndian(at),
            H => BinaryPrimitives.ReadUInt16BigEndian(at),
            _ => at[0],
        };
        return true;
    }
}
