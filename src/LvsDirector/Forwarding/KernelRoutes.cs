using System.Buffers.Binary;
using System.Globalization;

namespace LvsDirector.Forwarding;

/// <summary>
/// Reads the kernel's routes through a gateway from /proc/net/route (IPv4) and /proc/net/ipv6_route (IPv6), so lvsd reaches a tunnelled (or NAT) real
/// server on another subnet through the router the director's own routing table names, e.g.
/// <c>ip route add 198.20.0.0/24 via 198.19.0.254 dev eth1</c> or a default route. Read once when a link opens.
/// </summary>
public static class KernelRoutes
{
    private const int RtfGateway = 0x2;
    private const int RtfUp = 0x1;

    /// <summary>Gateway routes of <paramref name="interfaceName"/>, longest prefix first; empty when none or unreadable.</summary>
    public static Route[] ForInterface(string interfaceName, string path = "/proc/net/route")
    {
        try
        {
            return Parse(File.ReadAllText(path), interfaceName);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// Parses /proc/net/route text: Iface, Destination, Gateway, Flags, RefCnt, Use, Metric, Mask, ... with addresses as
    /// hex of the network-order bytes read as a little-endian word.
    /// </summary>
    public static Route[] Parse(string text, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var routes = new List<Route>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8 || !string.Equals(fields[0], interfaceName, StringComparison.Ordinal)
                || !uint.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
                || !uint.TryParse(fields[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway)
                || !int.TryParse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
                || !uint.TryParse(fields[7], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask))
            {
                continue;
            }

            if ((flags & (RtfUp | RtfGateway)) != (RtfUp | RtfGateway))
            {
                continue;
            }

            var hostMask = BinaryPrimitives.ReverseEndianness(mask);
            routes.Add(new Route(BinaryPrimitives.ReverseEndianness(destination) & hostMask, hostMask, BinaryPrimitives.ReverseEndianness(gateway)));
        }

        routes.Sort((a, b) => b.Mask.CompareTo(a.Mask));
        return [.. routes];
    }

    private const int Rtf6Gateway = 0x2;
    private const int Rtf6Up = 0x1;

    /// <summary>IPv6 gateway routes of <paramref name="interfaceName"/>, longest prefix first; empty when none or unreadable.</summary>
    public static Route6[] ForInterface6(string interfaceName, string path = "/proc/net/ipv6_route")
    {
        try
        {
            return Parse6(File.ReadAllText(path), interfaceName);
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// Parses /proc/net/ipv6_route text: destination (32 hex digits), prefix length (hex), source, source prefix
    /// length, next hop, metric, reference count, use, flags, device; addresses are the wire bytes in hex.
    /// </summary>
    public static Route6[] Parse6(string text, string interfaceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        var routes = new List<Route6>();
        foreach (var line in text.Split('\n'))
        {
            var fields = line.Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || !string.Equals(fields[9], interfaceName, StringComparison.Ordinal)
                || !UInt128.TryParse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var destination)
                || !int.TryParse(fields[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var prefixLength)
                || !UInt128.TryParse(fields[4], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var gateway)
                || !int.TryParse(fields[8], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
                || prefixLength is < 0 or > 128)
            {
                continue;
            }

            if ((flags & (Rtf6Up | Rtf6Gateway)) != (Rtf6Up | Rtf6Gateway) || gateway == UInt128.Zero)
            {
                continue;
            }

            var route = new Route6(UInt128.Zero, prefixLength, gateway);
            routes.Add(route with { Destination = destination & route.Mask });
        }

        routes.Sort((a, b) => b.PrefixLength.CompareTo(a.PrefixLength));
        return [.. routes];
    }
}
