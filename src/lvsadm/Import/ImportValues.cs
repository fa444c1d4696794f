using System.Globalization;

namespace LvsDirector.Admin.Import;

/// <summary>Value checks shared by the importers, strict enough that lvsd accepts what passes them.</summary>
internal static class ImportValues
{
    /// <summary>The schedulers lvsd knows (lvsadm does not reference the library that lists them).</summary>
    public static readonly IReadOnlyList<string> Schedulers =
        ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "mh", "fo", "ovf", "twos"];

    /// <summary>IP range expansion stops here so a typo cannot produce millions of services.</summary>
    public const int MaxRangeSize = 256;

    public static bool IsIPv6(string text) => text.Contains(':', StringComparison.Ordinal) || text.StartsWith('[');

    /// <summary>An IPv6 address (brackets allowed, no zone id), returned in RFC 5952 form.</summary>
    public static bool TryParseIPv6(string text, out string canonical)
    {
        canonical = string.Empty;
        var bare = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        if (!bare.Contains(':', StringComparison.Ordinal) || bare.Contains('%', StringComparison.Ordinal)
            || !System.Net.IPAddress.TryParse(bare, out var address)
            || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return false;
        }

        canonical = address.ToString();
        return true;
    }

    /// <summary>An IPv4 dotted quad or an IPv6 address (brackets allowed), in canonical form.</summary>
    public static string ParseAddress(string text, string file, int line, string what)
    {
        if (!IsIPv6(text))
        {
            return ParseIPv4(text, file, line, what);
        }

        return TryParseIPv6(text, out var canonical)
            ? canonical
            : throw new ImportParseException(file, line, $"{what}: '{text}' is not an IPv6 address (expected e.g. 2001:db8::10)");
    }

    /// <summary>Persistence granularity of an IPv6 service: a prefix length 1..128 (ipvsadm -M for IPv6).</summary>
    public static string ParsePrefixLength(string text, string file, int line, string what)
    {
        var bits = text.StartsWith('/') ? text[1..] : text;
        return ParseInteger(bits, 1, 128, file, line, $"{what} (an IPv6 prefix length)").ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A strict dotted quad, returned in canonical form (no leading zeros).</summary>
    public static bool TryParseIPv4(string text, out uint value)
    {
        value = 0;
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !part.All(char.IsAsciiDigit))
            {
                return false;
            }

            var octet = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                return false;
            }

            value = (value << 8) | (uint)octet;
        }

        return true;
    }

    public static string FormatIPv4(uint value) =>
        string.Create(CultureInfo.InvariantCulture, $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}");

    public static string ParseIPv4(string text, string file, int line, string what) =>
        TryParseIPv4(text, out var value)
            ? FormatIPv4(value)
            : throw new ImportParseException(file, line, $"{what}: '{text}' is not an IPv4 address (expected a dotted quad such as 198.18.0.10)");

    /// <summary>
    /// keepalived's "198.18.0.10-12" (last octet) and the full "198.18.0.10-198.18.0.12"; ldirectord's
    /// "198.18.0.10->198.18.0.12". A single address is a range of one.
    /// </summary>
    public static IReadOnlyList<string> ExpandRange(string text, string separator, string file, int line, string what)
    {
        var dash = text.IndexOf(separator, StringComparison.Ordinal);
        if (IsIPv6(text))
        {
            return dash < 0
                ? [ParseAddress(text, file, line, what)]
                : throw new ImportParseException(file, line, $"{what}: IPv6 range '{text}' is not supported by the importer; list the addresses one by one");
        }

        if (dash < 0)
        {
            return [ParseIPv4(text, file, line, what)];
        }

        var firstText = text[..dash];
        var lastText = text[(dash + separator.Length)..];
        if (!TryParseIPv4(firstText, out var first))
        {
            throw new ImportParseException(file, line, $"{what}: '{firstText}' in range '{text}' is not an IPv4 address");
        }

        uint last;
        if (lastText.Length is > 0 and <= 3 && lastText.All(char.IsAsciiDigit))
        {
            var octet = uint.Parse(lastText, NumberStyles.None, CultureInfo.InvariantCulture);
            if (octet > 255)
            {
                throw new ImportParseException(file, line, $"{what}: range '{text}' ends past 255");
            }

            last = (first & 0xFFFFFF00u) | octet;
        }
        else if (!TryParseIPv4(lastText, out last))
        {
            throw new ImportParseException(file, line, $"{what}: '{lastText}' in range '{text}' is not an IPv4 address or last octet");
        }

        if (last < first)
        {
            throw new ImportParseException(file, line, $"{what}: range '{text}' ends before it starts");
        }

        if (last - first >= MaxRangeSize)
        {
            throw new ImportParseException(file, line, $"{what}: range '{text}' has more than {MaxRangeSize} addresses");
        }

        var result = new List<string>();
        for (var address = first; ; address++)
        {
            result.Add(FormatIPv4(address));
            if (address == last)
            {
                break;
            }
        }

        return result;
    }

    public static long ParseInteger(string text, long min, long max, string file, int line, string what)
    {
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new ImportParseException(file, line, $"{what}: '{text}' is not a whole number");
        }

        if (value < min || value > max)
        {
            throw new ImportParseException(file, line, $"{what}: {value} is out of range ({min} to {max})");
        }

        return value;
    }

    /// <summary>A contiguous IPv4 mask such as 255.255.255.0; a prefix length (24) is accepted too.</summary>
    public static string ParseNetmask(string text, string file, int line, string what)
    {
        uint mask;
        if (text.Length is > 0 and <= 2 && text.All(char.IsAsciiDigit))
        {
            var bits = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
            if (bits > 32)
            {
                throw new ImportParseException(file, line, $"{what}: /{bits} is not a prefix length");
            }

            mask = bits == 0 ? 0 : uint.MaxValue << (32 - bits);
        }
        else if (!TryParseIPv4(text, out mask))
        {
            throw new ImportParseException(file, line, $"{what}: '{text}' is not a netmask (expected e.g. 255.255.255.0)");
        }

        if ((~mask & (~mask + 1)) != 0)
        {
            throw new ImportParseException(file, line, $"{what}: '{text}' is not a contiguous netmask");
        }

        return FormatIPv4(mask);
    }

    public static string ParseScheduler(string text, string file, int line, string what)
    {
        var name = text.ToLowerInvariant();
        return Schedulers.Contains(name)
            ? name
            : throw new ImportParseException(file, line, $"{what}: unknown scheduler '{text}'; lvsd knows {string.Join(", ", Schedulers)}");
    }

    /// <summary>
    /// keepalived's TIMER: seconds, with a fraction down to microseconds ("6", "1.5"). lvsd counts in whole
    /// milliseconds, so a finer value is rounded up and <paramref name="rounded"/> says so.
    /// </summary>
    public static TimeSpan ParseSeconds(string text, string file, int line, string what, out bool rounded)
    {
        rounded = false;
        if (text.Length == 0 || text.StartsWith('.') || text.EndsWith('.') || !text.All(c => char.IsAsciiDigit(c) || c == '.')
            || text.Count(c => c == '.') > 1
            || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new ImportParseException(file, line, $"{what}: '{text}' is not a number of seconds");
        }

        if (seconds <= 0 || seconds > 86400)
        {
            throw new ImportParseException(file, line, $"{what}: {text} is out of range (more than 0, at most 86400 seconds)");
        }

        var milliseconds = seconds * 1000;
        var whole = decimal.Ceiling(milliseconds);
        rounded = whole != milliseconds;
        return TimeSpan.FromMilliseconds((double)whole);
    }

    /// <summary>keepalived's BOOL: no value means true.</summary>
    public static bool ParseBool(IReadOnlyList<string> arguments, string file, int line, string what) => arguments switch
    {
        [] => true,
        [var word] => word.ToLowerInvariant() switch
        {
            "yes" or "true" or "on" or "1" => true,
            "no" or "false" or "off" or "0" => false,
            _ => throw new ImportParseException(file, line, $"{what}: '{word}' is not yes/no, true/false, on/off or 1/0"),
        },
        _ => throw new ImportParseException(file, line, $"{what}: expected at most one value"),
    };
}
