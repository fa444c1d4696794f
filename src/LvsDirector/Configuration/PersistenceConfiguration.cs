using System.Net;

namespace LvsDirector.Configuration;

/// <summary>
/// Persistence of a service, as ipvsadm -p TIMEOUT -M NETMASK; applied per service by the director. ipvsadm's -M is a
/// dotted netmask for an IPv4 service and a prefix length for an IPv6 one; the file has a key for each.
/// </summary>
public sealed record PersistenceConfiguration
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>IPv4 services: clients whose addresses match under this mask share one persistence entry.</summary>
    public IPAddress Netmask { get; init; } = IPAddress.Broadcast;

    /// <summary>IPv6 services: clients whose addresses share this many leading bits share one persistence entry (1..128).</summary>
    public int PrefixLength { get; init; } = 128;
}
