using System.Globalization;

namespace LvsDirector.Io;

/// <summary>
/// One classic BPF instruction (struct sock_filter): an opcode, two forward jump offsets for conditional jumps and a
/// constant. A program of these is what tc's <c>bpf bytecode</c> option takes.
/// </summary>
internal readonly record struct ClassicBpfInstruction(ushort Code, byte JumpTrue, byte JumpFalse, uint K)
{
    // Opcode parts (linux/bpf_common.h).
    public const ushort Ld = 0x00;
    public const ushort Ldx = 0x01;
    public const ushort St = 0x02;
    public const ushort Alu = 0x04;
    public const ushort Jmp = 0x05;
    public const ushort Ret = 0x06;
    public const ushort SizeWord = 0x00;
    public const ushort SizeHalf = 0x08;
    public const ushort SizeByte = 0x10;
    public const ushort ModeImmediate = 0x00;
    public const ushort ModeAbsolute = 0x20;
    public const ushort ModeIndirect = 0x40;
    public const ushort ModeMemory = 0x60;
    public const ushort ModeLength = 0x80;
    public const ushort ModeIpHeaderLength = 0xa0;
    public const ushort AluMultiply = 0x20;
    public const ushort AluAnd = 0x50;
    public const ushort AluShiftRight = 0x70;
    public const ushort AluXor = 0xa0;
    public const ushort SourceX = 0x08;
    public const ushort ReturnA = 0x10;
    public const ushort JumpAlways = 0x00;
    public const ushort JumpEqual = 0x10;
    public const ushort JumpGreater = 0x20;
    public const ushort JumpGreaterOrEqual = 0x30;

    /// <summary>SKF_AD_OFF + SKF_AD_PROTOCOL: a half-word load at this offset reads ntohs(skb->protocol).</summary>
    public const uint ProtocolOffset = 0xFFFFF000;

    /// <summary>SKF_AD_OFF + SKF_AD_PKTTYPE: an absolute load at this offset reads skb->pkt_type.</summary>
    public const uint PacketTypeOffset = unchecked((uint)(-0x1000 + 4));

    /// <summary>The longest program the kernel takes (BPF_MAXINSNS).</summary>
    public const int MaxInstructions = 4096;

    public bool IsReturn => (Code & 0x07) == Ret;

    public bool IsConditionalJump => (Code & 0x07) == Jmp && (Code & 0xF0) != JumpAlways;

    /// <summary>tc's "bytecode" text: the instruction count, then "code jt jf k" per instruction, comma separated.</summary>
    public static string ToTcBytecode(IReadOnlyList<ClassicBpfInstruction> program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var text = new System.Text.StringBuilder(program.Count * 16);
        text.Append(program.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var i in program)
        {
            text.Append(CultureInfo.InvariantCulture, $",{i.Code} {i.JumpTrue} {i.JumpFalse} {i.K}");
        }

        return text.ToString();
    }
}
