using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Health;

/// <summary>A real server of a service, as the supervisor keys its monitors.</summary>
/// <param name="Service">The virtual service.</param>
/// <param name="Address">The real server's address.</param>
/// <param name="Port">The real server's port.</param>
public readonly record struct HealthMonitorKey(ServiceKey Service, IPAddress Address, ushort Port)
{
    /// <summary>"198.18.1.11:8080".</summary>
    public string ServerText => new IPEndPoint(Address, Port).ToString();
}
