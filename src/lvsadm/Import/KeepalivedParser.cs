namespace LvsDirector.Admin.Import;

/// <summary>Builds the directive tree of keepalived.conf from its tokens, checking that braces balance.</summary>
internal static class KeepalivedParser
{
    public static IReadOnlyList<KeepalivedStatement> Parse(IReadOnlyList<KeepalivedToken> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        var index = 0;
        return ParseBlock(tokens, ref index, opener: null);
    }

    private static List<KeepalivedStatement> ParseBlock(IReadOnlyList<KeepalivedToken> tokens, ref int index, KeepalivedToken? opener)
    {
        var statements = new List<KeepalivedStatement>();
        while (true)
        {
            if (index >= tokens.Count)
            {
                if (opener is { } open)
                {
                    throw new ImportParseException(open.File, open.Line, "'{' opened here is never closed (unbalanced braces)");
                }

                return statements;
            }

            var token = tokens[index];
            switch (token.Kind)
            {
                case KeepalivedTokenKind.EndOfLine:
                    index++;
                    continue;
                case KeepalivedTokenKind.Close:
                    if (opener is null)
                    {
                        throw new ImportParseException(token.File, token.Line, "'}' without a matching '{' (unbalanced braces)");
                    }

                    index++;
                    return statements;
                case KeepalivedTokenKind.Open:
                    throw new ImportParseException(token.File, token.Line, "'{' without a directive before it");
            }

            index++;
            var arguments = new List<string>();
            while (index < tokens.Count && tokens[index].Kind == KeepalivedTokenKind.Word)
            {
                arguments.Add(tokens[index].Text);
                index++;
            }

            // The opening brace may sit on the next line.
            var next = index;
            while (next < tokens.Count && tokens[next].Kind == KeepalivedTokenKind.EndOfLine)
            {
                next++;
            }

            List<KeepalivedStatement>? block = null;
            if (next < tokens.Count && tokens[next].Kind == KeepalivedTokenKind.Open)
            {
                index = next + 1;
                block = ParseBlock(tokens, ref index, tokens[next]);
            }

            statements.Add(new KeepalivedStatement
            {
                Keyword = token.Text,
                Arguments = arguments,
                Block = block,
                File = token.File,
                Line = token.Line,
            });
        }
    }
}
