namespace LvsDirector.Io;

/// <summary>An instruction of <see cref="ClassicBpfAssembler"/> before layout: a jump names its targets by label.</summary>
/// <param name="True">The target of an unconditional jump, or of a conditional one when its test holds; null for other instructions.</param>
/// <param name="False">A conditional jump's target when its test fails; null for every other instruction.</param>
internal readonly record struct ClassicBpfItem(ushort Code, uint K, ClassicBpfLabel? True, ClassicBpfLabel? False);
