using System.Net;
using System.Net.Sockets;
using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>Lookups through the system resolver and /etc/services; every failure falls back to "not found".</summary>
internal sealed class SystemNameService : INameService
{
    // A listing must not hang on a dead DNS server; ipvsadm would, lvsadm prints the number instead.
    private static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(2);
    private readonly Lazy<ServicesDatabase> _services = new(() => ServicesDatabase.Load());
    private readonly Dictionary<IPAddress, string?> _hostNames = [];

    public IPAddress? ResolveHost(string name)
    {
        try
        {
            var lookup = Dns.GetHostAddressesAsync(name, AddressFamily.InterNetwork);
            if (!lookup.Wait(LookupTimeout))
            {
                return null;
            }

            return lookup.Result.Length > 0 ? lookup.Result[0] : null;
        }
        catch (AggregateException)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    public int? ResolveService(string name, ControlProtocol protocol) => _services.Value.PortOf(name, protocol);

    public string? HostName(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (_hostNames.TryGetValue(address, out var cached))
        {
            return cached;
        }

        string? name = null;
        try
        {
            var lookup = Dns.GetHostEntryAsync(address);
            if (lookup.Wait(LookupTimeout))
            {
                name = lookup.Result.HostName;
            }
        }
        catch (AggregateException)
        {
            name = null;
        }
        catch (SocketException)
        {
            name = null;
        }

        // The resolver echoes the address back when it has no name; treat that as "no name".
        if (name is not null && IPAddress.TryParse(name, out _))
        {
            name = null;
        }

        _hostNames[address] = name;
        return name;
    }

    public string? ServiceName(int port, ControlProtocol protocol) => _services.Value.NameOf(port, protocol);
}
