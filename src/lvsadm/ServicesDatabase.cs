using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>
/// The services(5) database: "name port/protocol aliases...". Read by hand because .NET has no getservbyname.
/// </summary>
internal sealed class ServicesDatabase
{
    private readonly Dictionary<(string Name, ControlProtocol Protocol), int> _byName = [];
    private readonly Dictionary<(int Port, ControlProtocol Protocol), string> _byPort = [];

    public static ServicesDatabase Empty { get; } = new();

    public static ServicesDatabase Load(string path = "/etc/services")
    {
        try
        {
            return Parse(File.ReadLines(path));
        }
        catch (IOException)
        {
            return Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return Empty;
        }
    }

    public static ServicesDatabase Parse(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var database = new ServicesDatabase();
        foreach (var raw in lines)
        {
            var hash = raw.IndexOf('#', StringComparison.Ordinal);
            var line = hash >= 0 ? raw[..hash] : raw;
            var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2)
            {
                continue;
            }

            var slash = fields[1].IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0
                || !int.TryParse(fields[1].AsSpan(0, slash), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
                || port > ushort.MaxValue)
            {
                continue;
            }

            ControlProtocol protocol;
            switch (fields[1][(slash + 1)..])
            {
                case "tcp":
                    protocol = ControlProtocol.Tcp;
                    break;
                case "udp":
                    protocol = ControlProtocol.Udp;
                    break;
                case "sctp":
                    protocol = ControlProtocol.Sctp;
                    break;
                default:
                    continue;
            }

            // First entry wins, as with the C library's linear scan.
            database._byPort.TryAdd((port, protocol), fields[0]);
            database._byName.TryAdd((fields[0], protocol), port);
            for (var alias = 2; alias < fields.Length; alias++)
            {
                database._byName.TryAdd((fields[alias], protocol), port);
            }
        }

        return database;
    }

    public int? PortOf(string name, ControlProtocol protocol) =>
        _byName.TryGetValue((name, protocol), out var port) ? port : null;

    public string? NameOf(int port, ControlProtocol protocol) =>
        _byPort.TryGetValue((port, protocol), out var name) ? name : null;
}
