using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>
/// ipvsadm's parse_service: "host[:port]", "[v6]:port" or a bare IPv6 address. Numeric hosts and ports are
/// taken as they are; only other words go to the resolver (host names) or services(5) (port names).
/// </summary>
internal static class HostPortParser
{
    /// <summary>The endpoint, or null where ipvsadm's parse_service returns SERVICE_NONE.</summary>
    public static ParsedEndpoint? Parse(string text, ControlProtocol protocol, INameService names)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(names);

        // ipvsadm refuses a bare number: it is neither a host nor host:port.
        if (text.Length == 0 || IsAllDigits(text))
        {
            return null;
        }

        if (text[0] == '[')
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                return null;
            }

            if (!IPAddress.TryParse(text.AsSpan(1, close - 1), out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return null;
            }

            var bracketPort = ParsePort(text[(close + 2)..], protocol, names);
            return bracketPort is null ? null : new ParsedEndpoint(v6, bracketPort);
        }

        if (text.Contains(':', StringComparison.Ordinal)
            && IPAddress.TryParse(text, out var bare)
            && bare.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return new ParsedEndpoint(bare, null);
        }

        var colon = text.LastIndexOf(':');
        var host = colon >= 0 ? text[..colon] : text;
        var address = ParseIPv4(host) ?? (host.Length > 0 ? names.ResolveHost(host) : null);
        if (address is null)
        {
            return null;
        }

        if (colon < 0)
        {
            return new ParsedEndpoint(address, null);
        }

        var port = ParsePort(text[(colon + 1)..], protocol, names);
        return port is null ? null : new ParsedEndpoint(address, port);
    }

    /// <summary>A dotted IPv4 address (inet_aton forms included), or null.</summary>
    public static IPAddress? ParseIPv4(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length > 0
               && (char.IsAsciiDigit(text[0]))
               && IPAddress.TryParse(text, out var address)
               && address.AddressFamily == AddressFamily.InterNetwork
            ? address
            : null;
    }

    /// <summary>ipvsadm's string_to_number: a whole decimal number within [min, max], or null.</summary>
    public static long? ParseNumber(string text, long min, long max)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowLeadingWhite, CultureInfo.InvariantCulture, out var value)
            && value >= min
            && value <= max)
        {
            return value;
        }

        return null;
    }

    private static int? ParsePort(string text, ControlProtocol protocol, INameService names)
    {
        if (ParseNumber(text, 0, ushort.MaxValue) is { } number)
        {
            return (int)number;
        }

        return text.Length > 0 ? names.ResolveService(text, protocol) : null;
    }

    private static bool IsAllDigits(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
