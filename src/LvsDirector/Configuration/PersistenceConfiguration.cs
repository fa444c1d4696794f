using System.Net;

namespace LvsDirector.Configuration;

/// <summary>Persistence of a service, as ipvsadm -p TIMEOUT -M NETMASK; applied per service by the director.</summary>
public sealed record PersistenceConfiguration
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(300);

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Clients whose addresses match under this mask share one persistence entry.</summary>
    public IPAddress Netmask { get; init; } = IPAddress.Broadcast;
}
