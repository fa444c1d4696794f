namespace LvsDirector.Admin.Import;

/// <summary>An ldirectord virtual= line and the indented KEY=VALUE lines that belong to it.</summary>
internal sealed class LdirectordVirtual
{
    public LdirectordVirtual(string file, int line, string value)
    {
        File = file;
        Line = line;
        Value = value;
    }

    public string File { get; }

    public int Line { get; }

    public string Value { get; }

    public IList<(string Key, string Value, int Line)> Lines { get; } = new List<(string, string, int)>();
}
