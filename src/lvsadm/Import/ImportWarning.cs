namespace LvsDirector.Admin.Import;

/// <summary>A directive of the source file that the produced YAML does not carry, with where it was.</summary>
internal sealed record ImportWarning(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
