namespace LvsDirector.Admin;

/// <summary>
/// Splits argv the way popt does: long options with "=value" or a separate value, clustered short
/// options ("-Ln"), a short option's value attached ("-srr") or separate, "--" ending options, and words that
/// are not options collected as leftovers. Tokens are produced lazily so errors surface in command-line order.
/// </summary>
internal static class OptionTokenizer
{
    public static IEnumerable<OptionToken> Tokenize(IReadOnlyList<string> args, List<string> leftovers)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(leftovers);
        var index = 0;
        while (index < args.Count)
        {
            var word = args[index++];
            if (word == "--")
            {
                for (; index < args.Count; index++)
                {
                    leftovers.Add(args[index]);
                }

                yield break;
            }

            if (word.StartsWith("--", StringComparison.Ordinal))
            {
                var body = word[2..];
                string? inlineValue = null;
                var equals = body.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    inlineValue = body[(equals + 1)..];
                    body = body[..equals];
                }

                var spec = OptionTable.FindLong(body);
                if (spec is null)
                {
                    yield return new OptionToken(null, word, null, "unknown option");
                    yield break;
                }

                switch (spec.Argument)
                {
                    case OptionArgument.None when inlineValue is not null:
                        yield return new OptionToken(null, word, null, "option does not take an argument");
                        yield break;
                    case OptionArgument.None:
                        yield return new OptionToken(spec, word, null, null);
                        break;
                    case OptionArgument.Required when inlineValue is not null:
                        yield return new OptionToken(spec, word, inlineValue, null);
                        break;
                    case OptionArgument.Required when index < args.Count:
                        yield return new OptionToken(spec, word, args[index++], null);
                        break;
                    case OptionArgument.Required:
                        yield return new OptionToken(null, word, null, "missing argument");
                        yield break;
                    default:
                        yield return new OptionToken(spec, word, inlineValue ?? TakeOptionalValue(args, ref index), null);
                        break;
                }

                continue;
            }

            if (word.Length > 1 && word[0] == '-')
            {
                for (var position = 1; position < word.Length; position++)
                {
                    var spec = OptionTable.FindShort(word[position]);
                    if (spec is null)
                    {
                        yield return new OptionToken(null, word, null, "unknown option");
                        yield break;
                    }

                    if (spec.Argument == OptionArgument.None)
                    {
                        yield return new OptionToken(spec, word, null, null);
                        continue;
                    }

                    var rest = word[(position + 1)..];
                    if (rest.Length > 0)
                    {
                        yield return new OptionToken(spec, word, rest, null);
                    }
                    else if (spec.Argument == OptionArgument.Optional)
                    {
                        yield return new OptionToken(spec, word, TakeOptionalValue(args, ref index), null);
                    }
                    else if (index < args.Count)
                    {
                        yield return new OptionToken(spec, word, args[index++], null);
                    }
                    else
                    {
                        yield return new OptionToken(null, word, null, "missing argument");
                        yield break;
                    }

                    break;
                }

                continue;
            }

            leftovers.Add(word);
        }
    }

    private static string? TakeOptionalValue(IReadOnlyList<string> args, ref int index)
    {
        if (index < args.Count && !args[index].StartsWith('-'))
        {
            return args[index++];
        }

        return null;
    }
}
