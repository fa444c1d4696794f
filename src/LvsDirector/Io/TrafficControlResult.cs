namespace LvsDirector.Io;

/// <summary>The outcome of one tc run. <see cref="Started"/> is false when tc could not be run at all (missing, not executable).</summary>
internal readonly record struct TrafficControlResult(bool Started, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => Started && ExitCode == 0;

    /// <summary>tc's own words (its last stderr line), or why it did not run.</summary>
    public string Reason
    {
        get
        {
            var lines = StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length > 0 ? string.Join("; ", lines) : $"exit code {ExitCode}";
        }
    }
}
