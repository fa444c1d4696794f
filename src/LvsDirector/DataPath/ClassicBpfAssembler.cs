using LvsDirector.Interop.Linux;

namespace LvsDirector.DataPath;

/// <summary>
/// Emits classic BPF (linux/filter.h) with forward labels. Conditional jumps reach at most 255 instructions ahead,
/// so callers jump far only with <see cref="Always"/> (32-bit offset); a near jump that ends up too far is a bug
/// in the caller and throws when the program is finished.
/// </summary>
internal sealed class ClassicBpfAssembler
{
    // Instruction classes, sizes, modes and operations (linux/bpf_common.h).
    internal const ushort Ld = 0x00;
    internal const ushort Ldx = 0x01;
    internal const ushort St = 0x02;
    internal const ushort Alu = 0x04;
    internal const ushort Jmp = 0x05;
    internal const ushort Ret = 0x06;
    internal const ushort Misc = 0x07;
    internal const ushort W = 0x00;
    internal const ushort H = 0x08;
    internal const ushort B = 0x10;
    internal const ushort Imm = 0x00;
    internal const ushort Abs = 0x20;
    internal const ushort Ind = 0x40;
    internal const ushort Mem = 0x60;
    internal const ushort Msh = 0xa0;
    internal const ushort And = 0x50;
    internal const ushort Mul = 0x20;
    internal const ushort Rsh = 0x70;
    internal const ushort Xor = 0xa0;
    internal const ushort Ja = 0x00;
    internal const ushort Jeq = 0x10;
    internal const ushort Jgt = 0x20;
    internal const ushort Jge = 0x30;
    internal const ushort SourceK = 0x00;
    internal const ushort SourceX = 0x08;
    internal const ushort RetA = 0x10;
    internal const ushort Tax = 0x00;

    /// <summary>SKF_AD_OFF + SKF_AD_PROTOCOL: a load at this offset yields ntohs(skb->protocol).</summary>
    internal const uint AncillaryProtocol = 0xFFFFF000;

    /// <summary>BPF_MAXINSNS: the kernel refuses longer classic programs.</summary>
    internal const int MaxInstructions = 4096;

    private readonly List<SockFilter> _code = [];
    private readonly List<int> _labels = [];
    private readonly List<(int At, int TrueLabel, int FalseLabel)> _fixups = [];

    public int Count => _code.Count;

    public int NewLabel()
    {
        _labels.Add(-1);
        return _labels.Count - 1;
    }

    public void Mark(int label) => _labels[label] = _code.Count;

    public void Emit(ushort code, uint k = 0) => _code.Add(new SockFilter(code, 0, 0, k));

    /// <summary>A conditional jump: to <paramref name="trueLabel"/> when A op k holds, else to <paramref name="falseLabel"/> (-1: the next instruction).</summary>
    public void JumpIf(ushort operation, uint k, int trueLabel, int falseLabel = -1)
    {
        _fixups.Add((_code.Count, trueLabel, falseLabel));
        _code.Add(new SockFilter((ushort)(Jmp | operation | SourceK), 0, 0, k));
    }

    /// <summary>Jumps to <paramref name="label"/>, however far ahead, when A op k holds; otherwise goes on.</summary>
    public void JumpFarIf(ushort operation, uint k, int label)
    {
        var skip = NewLabel();
        JumpIf(operation, k, -1, skip);
        Always(label);
        Mark(skip);
    }

    /// <summary>An unconditional jump, which may go anywhere ahead.</summary>
    public void Always(int label)
    {
        _fixups.Add((_code.Count, label, int.MinValue));
        _code.Add(new SockFilter(Jmp | Ja, 0, 0, 0));
    }

    public SockFilter[] Finish()
    {
        var code = _code.ToArray();
        foreach (var (at, trueLabel, falseLabel) in _fixups)
        {
            var instruction = code[at];
            if (falseLabel == int.MinValue)
            {
                code[at] = instruction with { K = (uint)Distance(at, trueLabel) };
                continue;
            }

            var jumpTrue = trueLabel < 0 ? 0 : Distance(at, trueLabel);
            var jumpFalse = falseLabel < 0 ? 0 : Distance(at, falseLabel);
            if (jumpTrue > byte.MaxValue || jumpFalse > byte.MaxValue)
            {
                throw new InvalidOperationException($"classic BPF: conditional jump at {at} reaches beyond 255 instructions");
            }

            code[at] = instruction with { JumpTrue = (byte)jumpTrue, JumpFalse = (byte)jumpFalse };
        }

        return code;
    }

    private int Distance(int at, int label)
    {
        var target = _labels[label];
        if (target <= at)
        {
            throw new InvalidOperationException($"classic BPF: label {label} is not after instruction {at}");
        }

        return target - at - 1;
    }
}
