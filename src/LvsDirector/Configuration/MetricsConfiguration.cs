using System.Globalization;
using System.Net;

namespace LvsDirector.Configuration;

/// <summary>
/// The Prometheus endpoint and status page; absent (null on <see cref="DirectorConfiguration"/>) means no
/// listener at all, so a director without the section opens no TCP port.
/// </summary>
public sealed record MetricsConfiguration
{
    public const string DefaultPath = "/metrics";

    /// <summary>Path of the status page's JSON feed; reserved so the metrics path cannot shadow it.</summary>
    public const string StatusJsonPath = "/status.json";

    /// <summary>The exact address and port to listen on; port 0 (tests only) lets the kernel choose.</summary>
    public required IPEndPoint Listen { get; init; }

    public string Path { get; init; } = DefaultPath;

    /// <summary>Serve the HTML status page at / and /status, and its feed at /status.json.</summary>
    public bool StatusPage { get; init; } = true;

    /// <summary>Parses "198.18.0.1:9103" or "[2001:db8::1]:9103"; the port is required and not 0.</summary>
    /// <returns>null when valid, otherwise what is wrong.</returns>
    public static string? ParseListen(string text, out IPEndPoint? endpoint)
    {
        endpoint = null;
        const string Expected = "must be an IP address and port, e.g. 127.0.0.1:9103 or [::1]:9103";
        string addressText;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf("]:", StringComparison.Ordinal);
            if (close < 0)
            {
                return Expected;
            }

            addressText = text[1..close];
            portText = text[(close + 2)..];
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0 || colon != text.LastIndexOf(':'))
            {
                return Expected;
            }

            addressText = text[..colon];
            portText = text[(colon + 1)..];
        }

        IPAddress? address;
        if (text.StartsWith('['))
        {
            if (!IPAddress.TryParse(addressText, out address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return Expected;
            }
        }
        else if (!ConfigurationValues.TryParseIPv4(addressText, out address))
        {
            return Expected;
        }

        if (portText.Length == 0 || portText.Length > 5 || !portText.All(char.IsAsciiDigit)
            || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            return "port must be between 1 and 65535";
        }

        endpoint = new IPEndPoint(address, port);
        return null;
    }

    /// <returns>null when <paramref name="path"/> is usable as the metrics path, otherwise what is wrong.</returns>
    public static string? ValidatePath(string path)
    {
        if (path.Length < 2 || path[0] != '/')
        {
            return "must start with '/' and name a path other than '/', e.g. /metrics";
        }

        if (path.Any(c => c is <= ' ' or > '~' or '?' or '#' or '%'))
        {
            return "must be plain printable ASCII without spaces, '?', '#' or '%'";
        }

        return path is StatusJsonPath or "/status" ? $"'{path}' is used by the status page" : null;
    }
}
