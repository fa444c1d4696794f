namespace LvsDirector.Io;

/// <summary>A jump target of <see cref="ClassicBpfAssembler"/>, placed once with <see cref="ClassicBpfAssembler.Mark"/>.</summary>
internal readonly record struct ClassicBpfLabel(int Id);
