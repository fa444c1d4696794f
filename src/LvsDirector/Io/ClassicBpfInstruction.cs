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
    public const ushort Jmp = 0x05;
    public const ushort Ret = 0x06;
    public const ushort SizeWord = 0x00;
    public const ushort SizeHalf = 0x08;
    public const ushort SizeByte = 0x10;
    public const ushort ModeAbsolute = 0x20;
    public const ushort ModeLength = 0x80;
    public const ushort JumpAlways = 0x00;
    public const ushort JumpEqual = 0x10;
    public const ushort JumpGreater = 0x20;
    public const ushort JumpGreaterOrEqual = 0x30;

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
