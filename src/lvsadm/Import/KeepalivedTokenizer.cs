namespace LvsDirector.Admin.Import;

/// <summary>
/// Splits keepalived.conf into words, braces and line ends. Comments run from '#' or '!' to the end of the line
/// (anywhere, outside double quotes); "include PATTERN" lines are replaced by the files they name, as keepalived does.
/// </summary>
internal sealed class KeepalivedTokenizer
{
    private const int MaxIncludeDepth = 8;

    private readonly List<KeepalivedToken> _tokens = [];
    private readonly ImportedConfiguration _result;

    private KeepalivedTokenizer(ImportedConfiguration result)
    {
        _result = result;
    }

    public static IReadOnlyList<KeepalivedToken> Tokenize(string text, string file, string? baseDirectory, ImportedConfiguration result)
    {
        var tokenizer = new KeepalivedTokenizer(result);
        tokenizer.Add(text, file, baseDirectory, 0);
        return tokenizer._tokens;
    }

    private void Add(string text, string file, string? baseDirectory, int depth)
    {
        var lines = text.Split('\n');
        var words = new List<(string Text, bool Quoted)>();
        for (var index = 0; index < lines.Length; index++)
        {
            var lineNumber = index + 1;
            var line = lines[index].TrimEnd('\r');
            words.Clear();
            Split(line, file, lineNumber, words);
            if (words.Count > 0 && !words[0].Quoted && words[0].Text == "include")
            {
                Include(words, file, lineNumber, baseDirectory, depth);
                continue;
            }

            foreach (var (word, quoted) in words)
            {
                var kind = quoted ? KeepalivedTokenKind.Word : word switch
                {
                    "{" => KeepalivedTokenKind.Open,
                    "}" => KeepalivedTokenKind.Close,
                    _ => KeepalivedTokenKind.Word,
                };
                _tokens.Add(new KeepalivedToken(kind, word, file, lineNumber));
            }

            if (words.Count > 0)
            {
                _tokens.Add(new KeepalivedToken(KeepalivedTokenKind.EndOfLine, string.Empty, file, lineNumber));
            }
        }
    }

    private static void Split(string line, string file, int lineNumber, List<(string Text, bool Quoted)> words)
    {
        var i = 0;
        while (i < line.Length)
        {
            var c = line[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c is '#' or '!')
            {
                return;
            }

            if (c is '{' or '}')
            {
                words.Add((c.ToString(), false));
                i++;
                continue;
            }

            if (c == '"')
            {
                var end = line.IndexOf('"', i + 1);
                if (end < 0)
                {
                    throw new ImportParseException(file, lineNumber, "unterminated quoted string");
                }

                words.Add((line[(i + 1)..end], true));
                i = end + 1;
                continue;
            }

            var start = i;
            while (i < line.Length && !char.IsWhiteSpace(line[i]) && line[i] is not ('{' or '}' or '"' or '#' or '!'))
            {
                i++;
            }

            words.Add((line[start..i], false));
        }
    }

    private void Include(List<(string Text, bool Quoted)> words, string file, int lineNumber, string? baseDirectory, int depth)
    {
        if (words.Count != 2)
        {
            throw new ImportParseException(file, lineNumber, "include needs exactly one file name or pattern");
        }

        if (depth >= MaxIncludeDepth)
        {
            throw new ImportParseException(file, lineNumber, $"include nested more than {MaxIncludeDepth} deep (a file including itself?)");
        }

        var pattern = words[1].Text;
        var path = Path.IsPathRooted(pattern) ? pattern : Path.Combine(baseDirectory ?? ".", pattern);
        var directory = Path.GetDirectoryName(path) ?? ".";
        var name = Path.GetFileName(path);
        string[] matches;
        try
        {
            matches = name.AsSpan().IndexOfAny('*', '?') >= 0 || name.Contains('[', StringComparison.Ordinal)
                ? Directory.Exists(directory) ? Directory.GetFiles(directory, name) : []
                : File.Exists(path) ? [path] : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ImportParseException(file, lineNumber, $"include {pattern}: {ex.Message}");
        }

        if (matches.Length == 0)
        {
            _result.Warn(file, lineNumber, $"include {pattern}: no file matched, nothing was read from it");
            return;
        }

        Array.Sort(matches, StringComparer.Ordinal);
        foreach (var match in matches)
        {
            string text;
            try
            {
                text = File.ReadAllText(match);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ImportParseException(file, lineNumber, $"include {pattern}: cannot read {match}: {ex.Message}");
            }

            Add(text, match, Path.GetDirectoryName(match), depth + 1);
        }
    }
}
