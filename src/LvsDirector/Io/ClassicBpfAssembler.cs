namespace LvsDirector.Io;

/// <summary>
/// Builds a classic BPF program with symbolic forward jumps. Conditional jumps reach at most 255 instructions ahead,
/// so <see cref="Assemble"/> lays the program out, gives each conditional jump whose target is too far a trampoline
/// right after it (an unconditional jump, or a copy of the target's return), and repeats until nothing moves.
/// </summary>
internal sealed class ClassicBpfAssembler
{
    private readonly List<ClassicBpfItem> _items = [];
    private readonly List<int> _labelItem = [];

    public ClassicBpfLabel NewLabel()
    {
        _labelItem.Add(-1);
        return new ClassicBpfLabel(_labelItem.Count - 1);
    }

    /// <summary>Places <paramref name="label"/> at the next instruction.</summary>
    public void Mark(ClassicBpfLabel label)
    {
        if (_labelItem[label.Id] >= 0)
        {
            throw new InvalidOperationException($"label {label.Id} is placed twice");
        }

        _labelItem[label.Id] = _items.Count;
    }

    /// <summary>An instruction without jumps (loads, returns).</summary>
    public void Emit(ushort code, uint k) => _items.Add(new ClassicBpfItem(code, k, null, null));

    /// <summary>A conditional jump: to <paramref name="whenTrue"/> if the test holds, else to <paramref name="whenFalse"/>.</summary>
    public void Jump(ushort test, uint k, ClassicBpfLabel whenTrue, ClassicBpfLabel whenFalse) =>
        _items.Add(new ClassicBpfItem((ushort)(ClassicBpfInstruction.Jmp | test), k, whenTrue, whenFalse));

    public void Goto(ClassicBpfLabel target) =>
        _items.Add(new ClassicBpfItem(ClassicBpfInstruction.Jmp | ClassicBpfInstruction.JumpAlways, 0, target, null));

    public ClassicBpfInstruction[] Assemble()
    {
        for (var l = 0; l < _labelItem.Count; l++)
        {
            if (_labelItem[l] < 0)
            {
                throw new InvalidOperationException($"label {l} is used but never placed");
            }
        }

        var farTrue = new bool[_items.Count];
        var farFalse = new bool[_items.Count];
        var position = new int[_items.Count + 1];
        bool changed;
        do
        {
            for (var i = 0; i < _items.Count; i++)
            {
                position[i + 1] = position[i] + 1 + (farTrue[i] ? 1 : 0) + (farFalse[i] ? 1 : 0);
            }

            changed = false;
            for (var i = 0; i < _items.Count; i++)
            {
                var item = _items[i];
                if (item.False is not { } f)
                {
                    continue;
                }

                if (!farTrue[i] && Distance(position, i, item.True!.Value) > byte.MaxValue)
                {
                    farTrue[i] = changed = true;
                }

                if (!farFalse[i] && Distance(position, i, f) > byte.MaxValue)
                {
                    farFalse[i] = changed = true;
                }
            }
        }
        while (changed);

        var program = new ClassicBpfInstruction[position[_items.Count]];
        for (var i = 0; i < _items.Count; i++)
        {
            var item = _items[i];
            var at = position[i];
            if (item.True is not { } t)
            {
                program[at] = new ClassicBpfInstruction(item.Code, 0, 0, item.K);
            }
            else if (item.False is not { } f)
            {
                // A jump to a return is the return itself: same size, one jump fewer per frame.
                program[at] = ReturnAt(t) is { } copy ? copy : new ClassicBpfInstruction(item.Code, 0, 0, (uint)Distance(position, i, t));
            }
            else
            {
                var trampoline = at + 1;
                var jt = farTrue[i] ? 0 : Distance(position, i, t);
                var jf = farFalse[i] ? (farTrue[i] ? 1 : 0) : Distance(position, i, f);
                program[at] = new ClassicBpfInstruction(item.Code, (byte)jt, (byte)jf, item.K);
                if (farTrue[i])
                {
                    program[trampoline] = Trampoline(position, trampoline, t);
                    trampoline++;
                }

                if (farFalse[i])
                {
                    program[trampoline] = Trampoline(position, trampoline, f);
                }
            }
        }

        return program;
    }

    // Offsets count from the instruction after the jump, trampolines included.
    private int Distance(int[] position, int item, ClassicBpfLabel target)
    {
        var distance = position[_labelItem[target.Id]] - (position[item] + 1);
        return distance >= 0 ? distance : throw new InvalidOperationException("classic BPF jumps only go forward");
    }

    private ClassicBpfInstruction Trampoline(int[] position, int at, ClassicBpfLabel target) =>
        ReturnAt(target) ?? new ClassicBpfInstruction(ClassicBpfInstruction.Jmp | ClassicBpfInstruction.JumpAlways, 0, 0, (uint)(position[_labelItem[target.Id]] - (at + 1)));

    /// <summary>The return instruction at <paramref name="target"/>, if that is what is there.</summary>
    private ClassicBpfInstruction? ReturnAt(ClassicBpfLabel target)
    {
        var item = _labelItem[target.Id];
        return item < _items.Count && _items[item] is { True: null } candidate && (candidate.Code & 0x07) == ClassicBpfInstruction.Ret
            ? new ClassicBpfInstruction(candidate.Code, 0, 0, candidate.K)
            : null;
    }
}
