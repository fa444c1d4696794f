using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Configuration;

/// <summary>
/// Value rules shared by the config file loader and the lvsd command line, so a value means the same in both.
/// Each Validate/Parse method returns null on success or the message to show.
/// </summary>
public static class ConfigurationValues
{
    /// <summary>Longest interface name the kernel accepts (IFNAMSIZ 16 minus the terminating zero).</summary>
    public const int MaxInterfaceNameLength = 15;

    /// <summary>Longest Unix socket path (sun_path is 108 bytes including the terminating zero).</summary>
    public const int MaxSocketPathBytes = 107;

    public static IReadOnlyList<string> LogLevelNames { get; } =
        ["trace", "debug", "information", "warning", "error", "critical", "none"];

    public static string? ValidateInterfaceName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0)
        {
            return "interface name must not be empty";
        }

        if (name.Length > MaxInterfaceNameLength)
        {
            return $"interface name '{name}' is longer than {MaxInterfaceNameLength} characters";
        }

        // The kernel rejects these in dev_valid_name(); catching them here names the file line instead.
        if (name is "." or "..")
        {
            return $"'{name}' is not a valid interface name";
        }

        foreach (var c in name)
        {
            if (c == '/' || c == ':' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return $"interface name '{name}' must not contain '/', ':' or whitespace";
            }
        }

        return null;
    }

    public static string? ValidateSocketPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0 || path[0] != '/')
        {
            return "must be an absolute path";
        }

        if (Encoding.UTF8.GetByteCount(path) > MaxSocketPathBytes)
        {
            return $"must be at most {MaxSocketPathBytes} bytes long (Unix socket path limit)";
        }

        return null;
    }

    /// <summary>Accepts the Microsoft.Extensions.Logging level names, lower case, plus "info" and "warn".</summary>
    public static bool TryParseLogLevel(string text, out LogLevel level)
    {
        ArgumentNullException.ThrowIfNull(text);
        switch (text.ToUpperInvariant())
        {
            case "TRACE": level = LogLevel.Trace; return true;
            case "DEBUG": level = LogLevel.Debug; return true;
            case "INFORMATION" or "INFO": level = LogLevel.Information; return true;
            case "WARNING" or "WARN": level = LogLevel.Warning; return true;
            case "ERROR": level = LogLevel.Error; return true;
            case "CRITICAL": level = LogLevel.Critical; return true;
            case "NONE": level = LogLevel.None; return true;
            default: level = LogLevel.None; return false;
        }
    }

    /// <summary>
    /// Parses a strict dotted quad. IPAddress.TryParse also takes "10.1" or "0x0a.1.2.3" (inet_aton forms),
    /// which are almost always typos in a config file.
    /// </summary>
    public static bool TryParseIPv4(string text, out IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = IPAddress.None;
        Span<byte> bytes = stackalloc byte[4];
        var parts = text.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            var part = parts[i];
            if (part.Length is 0 or > 3 || (part.Length > 1 && part[0] == '0'))
            {
                return false;
            }

            foreach (var c in part)
            {
                if (c is < '0' or > '9')
                {
                    return false;
                }
            }

            var value = int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture);
            if (value > 255)
            {
                return false;
            }

            bytes[i] = (byte)value;
        }

        address = new IPAddress(bytes);
        return true;
    }

    /// <summary>Parses an IPv4 address for a VIP or real server; returns null on success or the message to show.</summary>
    public static string? ParseUnicastIPv4(string text, out IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParseIPv4(text, out address))
        {
            return text.Contains(':', StringComparison.Ordinal) && IPAddress.TryParse(text, out _)
                ? $"'{text}' is an IPv6 address where an IPv4 address is needed"
                : $"'{text}' is not an IPv4 address (expected a dotted quad such as 198.18.0.10)";
        }

        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        if (b[0] == 0 || b[0] == 127 || b[0] >= 224)
        {
            return $"'{text}' is not a unicast address (0.0.0.0/8, loopback, multicast and reserved ranges are not allowed)";
        }

        return null;
    }

    /// <summary>
    /// Parses an IPv6 address (RFC 4291 text, optionally in brackets) for a VIP or real server; returns null on success
    /// or the message to show. Unspecified, loopback, multicast, link-local, IPv4-mapped addresses and zone ids are refused.
    /// </summary>
    public static string? ParseUnicastIPv6(string text, out IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = IPAddress.IPv6None;
        var bare = text.Length > 2 && text[0] == '[' && text[^1] == ']' ? text[1..^1] : text;
        if (bare.Contains('%', StringComparison.Ordinal))
        {
            return $"'{text}' carries a zone id; use a global IPv6 address without %zone";
        }

        if (!bare.Contains(':', StringComparison.Ordinal) || !IPAddress.TryParse(bare, out var parsed)
            || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return $"'{text}' is not an IPv6 address (expected e.g. 2001:db8::10)";
        }

        if (parsed.Equals(IPAddress.IPv6Any) || parsed.Equals(IPAddress.IPv6Loopback) || parsed.IsIPv6Multicast
            || parsed.IsIPv6LinkLocal || parsed.IsIPv4MappedToIPv6)
        {
            return $"'{text}' is not a global unicast IPv6 address (::, ::1, multicast ff00::/8, link-local fe80::/10 and IPv4-mapped ::ffff:0:0/96 are not allowed)";
        }

        address = parsed;
        return null;
    }

    /// <summary>Parses a VIP or real server address of either family; returns null on success or the message to show.</summary>
    public static string? ParseUnicastAddress(string text, out IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return ParseUnicastIPv6(text, out address);
        }

        var problem = ParseUnicastIPv4(text, out address);
        return problem is null || !text.StartsWith('[') ? problem
            : $"'{text}' is not an address (expected e.g. 198.18.0.10 or 2001:db8::10)";
    }

    /// <summary>
    /// Parses an interface address with its prefix length, "198.18.0.1/24" or "2001:db8:1::1/64" (host bits kept: it is
    /// an address of the interface, not a network). Returns null on success or the message to show.
    /// </summary>
    public static string? ParseInterfaceAddress(string text, out IPAddress address, out int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = IPAddress.None;
        prefixLength = 0;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return $"'{text}' needs a prefix length (e.g. 198.18.0.1/24 or 2001:db8:1::1/64)";
        }

        var addressText = text[..slash];
        var ipv6 = addressText.Contains(':', StringComparison.Ordinal);
        var max = ipv6 ? 128 : 32;
        if (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) || prefixLength > max || prefixLength == 0)
        {
            return $"'{text}' has a bad prefix length (expected /1 to /{max})";
        }

        if (ipv6)
        {
            // An interface may well carry a link-local address: Neighbor Discovery uses it.
            if (!IPAddress.TryParse(addressText, out var parsed) || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6
                || addressText.Contains('%', StringComparison.Ordinal))
            {
                return $"'{text}' is not an IPv6 address with a prefix length (expected e.g. 2001:db8:1::1/64)";
            }

            if (parsed.Equals(IPAddress.IPv6Any) || parsed.Equals(IPAddress.IPv6Loopback) || parsed.IsIPv6Multicast || parsed.IsIPv4MappedToIPv6)
            {
                return $"'{text}' is not a unicast IPv6 address (::, ::1, multicast and IPv4-mapped addresses are not allowed)";
            }

            address = parsed;
            return null;
        }

        var problem = ParseUnicastIPv4(addressText, out address);
        return problem is null ? null : $"'{text}': {problem}";
    }

    /// <summary>Parses a contiguous IPv4 netmask in dotted form; returns null on success or the message to show.</summary>
    public static string? ParseNetmask(string text, out IPAddress mask)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParseIPv4(text, out mask))
        {
            return $"'{text}' is not an IPv4 netmask (expected a dotted quad such as 255.255.255.0)";
        }

        Span<byte> b = stackalloc byte[4];
        mask.TryWriteBytes(b, out _);
        var bits = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];

        // A contiguous mask inverted is 2^n - 1, so adding one leaves a power of two (or zero).
        var inverted = ~bits;
        if ((inverted & (inverted + 1)) != 0)
        {
            return $"'{text}' is not a contiguous netmask";
        }

        return null;
    }

    /// <summary>
    /// Parses "a.b.c.d/len" or a bare IPv4 address (/32), or "2001:db8::/64" or a bare IPv6 address (/128); host bits
    /// are cleared, as iptables and ip6tables do.
    /// </summary>
    public static string? ParsePrefix(string text, out IPAddress network, out int prefixLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        network = IPAddress.None;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];
        if (addressText.Contains(':', StringComparison.Ordinal))
        {
            prefixLength = 128;
            if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) || prefixLength > 128))
            {
                return $"'{text}' has a bad prefix length (expected /0 to /128 for IPv6)";
            }

            if (addressText.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressText, out var parsed)
                || parsed.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return $"'{text}' is not an IPv6 address or prefix (expected e.g. 2001:db8::100/128)";
            }

            var mask6 = LvsDirector.Packets.Ipv6Address.PrefixMask(prefixLength);
            network = LvsDirector.Packets.Ipv6Address.ToIPAddress(LvsDirector.Packets.Ipv6Address.FromIPAddress(parsed) & mask6);
            return null;
        }

        prefixLength = 32;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out prefixLength) || prefixLength > 32))
        {
            return $"'{text}' has a bad prefix length (expected /0 to /32)";
        }

        if (!TryParseIPv4(addressText, out var address))
        {
            return $"'{text}' is not an IPv4 or IPv6 address or prefix (expected e.g. 198.18.0.100/32 or 2001:db8::100/128)";
        }

        Span<byte> b = stackalloc byte[4];
        address.TryWriteBytes(b, out _);
        var bits = ((uint)b[0] << 24) | ((uint)b[1] << 16) | ((uint)b[2] << 8) | b[3];
        var mask = prefixLength == 0 ? 0u : uint.MaxValue << (32 - prefixLength);
        bits &= mask;
        network = new IPAddress([(byte)(bits >> 24), (byte)(bits >> 16), (byte)(bits >> 8), (byte)bits]);
        return null;
    }

    /// <summary>Parses a port or an inclusive "first-last" range of ports 1..65535.</summary>
    public static string? ParsePortRange(string text, out ushort first, out ushort last)
    {
        ArgumentNullException.ThrowIfNull(text);
        first = last = 0;
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var firstText = dash < 0 ? text : text[..dash];
        var lastText = dash < 0 ? text : text[(dash + 1)..];
        if (!ushort.TryParse(firstText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out first)
            || !ushort.TryParse(lastText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out last)
            || first == 0 || last == 0)
        {
            return $"'{text}' is not a port or port range (expected e.g. 443 or \"8000-8080\", ports 1 to 65535)";
        }

        return first > last ? $"'{text}' is an empty range (the first port is above the last)" : null;
    }

    /// <summary>
    /// Parses a duration: whole seconds ("90"), or a whole number with a unit: "500ms", "90s", "5m", "1h".
    /// Returns null on success or the message to show.
    /// </summary>
    public static string? ParseDuration(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = TimeSpan.Zero;
        const string Expected = "must be a duration: whole seconds, or a whole number with ms, s, m or h (e.g. 90s, 5m)";
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        if (digits == 0 || digits > 9)
        {
            return Expected;
        }

        var value = long.Parse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
        switch (text[digits..])
        {
            case "" or "s": duration = TimeSpan.FromSeconds(value); return null;
            case "ms": duration = TimeSpan.FromMilliseconds(value); return null;
            case "m": duration = TimeSpan.FromMinutes(value); return null;
            case "h": duration = TimeSpan.FromHours(value); return null;
            default: return Expected;
        }
    }

    /// <summary>Nearest candidate within two edits (one for short words), for "did you mean" hints; null when nothing is close.</summary>
    public static string? Nearest(string text, IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(candidates);
        string? best = null;
        var bestDistance = int.MaxValue;
        var lowered = text.ToLowerInvariant();
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(lowered, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        var limit = Math.Min(2, Math.Max(1, text.Length / 3));
        return bestDistance <= limit ? best : null;
    }

    // Optimal string alignment distance: Levenshtein plus adjacent transpositions, the commonest typo ("paht").
    private static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
