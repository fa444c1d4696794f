using System.Buffers.Binary;
using System.Globalization;

namespace LvsDirector.Forwarding;

/// <summary>
/// Reads the kernel's IPv4 routes through a gateway from /proc/net/route, so lvsd reaches a tunnelled (or NAT) real
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
}
