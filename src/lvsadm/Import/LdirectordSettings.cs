namespace LvsDirector.Admin.Import;

/// <summary>The check-related settings of one virtual= section and the global ones it falls back to.</summary>
internal sealed class LdirectordSettings
{
    private readonly Dictionary<string, LdirectordSetting> _virtual = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, LdirectordSetting> _globals;

    public LdirectordSettings(string file, int line, IReadOnlyDictionary<string, LdirectordSetting> globals)
    {
        File = file;
        Line = line;
        _globals = globals;
    }

    public string File { get; }

    /// <summary>The virtual= line.</summary>
    public int Line { get; }

    /// <summary>Records a virtual setting; a later line overrides an earlier one, as in ldirectord.</summary>
    public void Set(string key, string value, int line) => _virtual[key] = new LdirectordSetting(value, File, line);

    public LdirectordSetting? Virtual(string key) => _virtual.GetValueOrDefault(key);

    public LdirectordSetting? Global(string key) => _globals.GetValueOrDefault(key);
}
