namespace LvsDirector.Admin;

/// <summary>One command line read by -R: its 1-based line number, its text, and its words.</summary>
internal sealed record RestoreLine(int Number, string Text, IReadOnlyList<string> Arguments);
