namespace LvsDirector.Admin.Import;

/// <summary>
/// The checker timings keepalived lets a virtual_server, a real_server or a checker set, each level inheriting
/// from the one above. Null: not set at any level so far.
/// </summary>
internal sealed record KeepalivedCheckSettings
{
    public static readonly KeepalivedCheckSettings None = new();

    public TimeSpan? DelayLoop { get; init; }

    public TimeSpan? ConnectTimeout { get; init; }

    public int? Retry { get; init; }

    public TimeSpan? DelayBeforeRetry { get; init; }

    public bool? Alpha { get; init; }

    public string? VirtualHost { get; init; }

    public static bool IsSetting(string keyword) =>
        keyword is "delay_loop" or "connect_timeout" or "retry" or "nb_get_retry" or "delay_before_retry" or "alpha" or "virtualhost";

    /// <summary>These settings with every setting directive of <paramref name="block"/> applied (the last of each wins).</summary>
    public KeepalivedCheckSettings With(IEnumerable<KeepalivedStatement> block, ImportedConfiguration result)
    {
        ArgumentNullException.ThrowIfNull(block);
        ArgumentNullException.ThrowIfNull(result);
        var settings = this;
        foreach (var directive in block.Where(d => IsSetting(d.Keyword)))
        {
            var file = directive.File;
            var line = directive.Line;
            var what = directive.Keyword;
            settings = directive.Keyword switch
            {
                "delay_loop" => settings with { DelayLoop = Timer(directive, result) },
                "connect_timeout" => settings with { ConnectTimeout = Timer(directive, result) },
                "delay_before_retry" => settings with { DelayBeforeRetry = Timer(directive, result) },
                "retry" or "nb_get_retry" => settings with { Retry = (int)ImportValues.ParseInteger(directive.SingleValue(), 0, int.MaxValue, file, line, what) },
                "alpha" => settings with { Alpha = ImportValues.ParseBool(directive.Arguments, file, line, what) },
                _ => settings with { VirtualHost = directive.SingleValue() },
            };
        }

        return settings;
    }

    private static TimeSpan Timer(KeepalivedStatement directive, ImportedConfiguration result)
    {
        var value = ImportValues.ParseSeconds(directive.SingleValue(), directive.File, directive.Line, directive.Keyword, out var rounded);
        if (rounded)
        {
            result.Warn(directive.File, directive.Line, $"{directive.Text}: rounded up to whole milliseconds ({(long)value.TotalMilliseconds}ms), lvsd's resolution");
        }

        return value;
    }
}
