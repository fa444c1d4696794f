using System.Globalization;
using System.Text.RegularExpressions;

namespace LvsDirector.EndToEnd;

/// <summary>Parsed `lvsadm -L -n` output (ipvsadm 1.31 layout).</summary>
public sealed partial class IpvsTable
{
    /// <summary>ipvsadm prints the connection hash table size; lvsd prints its connection table capacity.</summary>
    public const string VersionLinePattern = @"^IP Virtual Server version 1\.2\.1 \(size=[1-9][0-9]*\)$";
    public const string ServiceHeader = "Prot LocalAddress:Port Scheduler Flags";
    public const string DestinationHeader = "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn";

    private IpvsTable(IReadOnlyList<string> headerLines, IReadOnlyList<IpvsService> services)
    {
        HeaderLines = headerLines;
        Services = services;
    }

    public IReadOnlyList<string> HeaderLines { get; }

    public IReadOnlyList<IpvsService> Services { get; }

    /// <summary>The line ipvsadm prints for a destination: "  -> %-28s %-7s %-6d %-10u %-10u".</summary>
    public static string FormatDestination(string address, string forward, int weight, long active, long inactive) =>
        string.Create(CultureInfo.InvariantCulture, $"  -> {address,-28} {forward,-7} {weight,-6} {active,-10} {inactive,-10}");

    public IpvsService Service(string protocol, string address) =>
        Services.SingleOrDefault(s => s.Protocol == protocol && s.Address == address)
        ?? throw new InvalidOperationException($"no {protocol} {address} in the table");

    public static IpvsTable Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        if (lines.Count < 3)
        {
            throw new FormatException($"expected at least the three header lines, got:\n{text}");
        }

        var services = new List<IpvsService>();
        string? protocol = null, address = null, scheduler = null, flags = null;
        var destinations = new List<IpvsDestination>();
        foreach (var line in lines.Skip(3))
        {
            if (ServiceLine().Match(line) is { Success: true } service)
            {
                Flush();
                protocol = service.Groups[1].Value;
                address = service.Groups[2].Value;
                scheduler = service.Groups[3].Value;
                flags = service.Groups[4].Value.Trim();
                destinations = [];
            }
            else if (DestinationLine().Match(line) is { Success: true } destination && protocol is not null)
            {
                destinations.Add(new IpvsDestination(
                    destination.Groups[1].Value,
                    destination.Groups[2].Value,
                    int.Parse(destination.Groups[3].Value, CultureInfo.InvariantCulture),
                    long.Parse(destination.Groups[4].Value, CultureInfo.InvariantCulture),
                    long.Parse(destination.Groups[5].Value, CultureInfo.InvariantCulture),
                    line));
            }
            else
            {
                throw new FormatException($"unexpected line '{line}' in:\n{text}");
            }
        }

        Flush();
        return new IpvsTable(lines.Take(3).ToList(), services);

        void Flush()
        {
            if (protocol is not null)
            {
                services.Add(new IpvsService(protocol, address!, scheduler!, flags!, destinations));
            }
        }
    }

    [GeneratedRegex(@"^(TCP|UDP|SCTP|FWM)  (\S+) (\S+)(.*)$")]
    private static partial Regex ServiceLine();

    [GeneratedRegex(@"^  -> (\S+)\s+(\S+)\s+(-?\d+)\s+(\d+)\s+(\d+)\s*$")]
    private static partial Regex DestinationLine();
}
