namespace LvsDirector.Admin;

/// <summary>
/// Splits -R input the way ipvsadm's config_stream_read does: one command per line, words separated by
/// spaces, tabs or CRs, the word "ipvsadm" dropped wherever it appears (so saved shell lines work), and lines
/// without words skipped. lvsadm also drops "lvsadm" and ignores everything from a word starting with '#'
/// (ipvsadm has no comments; `-S` never writes any, so this only widens what is accepted).
/// </summary>
internal static class RestoreReader
{
    private static readonly char[] Separators = [' ', '\t', '\r'];

    public static IEnumerable<RestoreLine> Read(TextReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var number = 0;
        while (input.ReadLine() is { } text)
        {
            number++;
            var words = new List<string>();
            foreach (var word in text.Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            {
                if (word.StartsWith('#'))
                {
                    break;
                }

                if (word is not ("ipvsadm" or Program.Name))
                {
                    words.Add(word);
                }
            }

            if (words.Count > 0)
            {
                yield return new RestoreLine(number, text.Trim(), words);
            }
        }
    }
}
