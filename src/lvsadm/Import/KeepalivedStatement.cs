namespace LvsDirector.Admin.Import;

/// <summary>One keepalived directive: a keyword, its arguments and, for a block, the directives inside it.</summary>
internal sealed class KeepalivedStatement
{
    public required string Keyword { get; init; }

    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>null when the directive has no { } block.</summary>
    public IReadOnlyList<KeepalivedStatement>? Block { get; init; }

    public required string File { get; init; }

    public required int Line { get; init; }

    /// <summary>The directive as written (keyword and arguments), for messages.</summary>
    public string Text => Arguments.Count == 0 ? Keyword : $"{Keyword} {string.Join(' ', Arguments)}";

    /// <summary>The one value of a directive such as "delay_loop 6"; anything else is a parse error.</summary>
    public string SingleValue() =>
        Arguments.Count == 1 && Block is null
            ? Arguments[0]
            : throw new ImportParseException(File, Line, $"{Keyword}: expected exactly one value");

    /// <summary>The directive for a message, a block shortened to its opening line.</summary>
    public string Describe() => Block is null ? Text : $"{Text} {{ … }} block";
}
