using System.Net;

namespace LvsDirector.Health;

/// <summary>What one monitor checks: an address, the resolved check port and the check settings.</summary>
/// <param name="Address">The real server's address.</param>
/// <param name="Port">The port checks go to (connect_port, else the server's port).</param>
/// <param name="Settings">The check.</param>
public sealed record HealthCheckTarget(IPAddress Address, ushort Port, HealthCheckSettings Settings)
{
    public IPEndPoint EndPoint => new(Address, Port);

    /// <summary>"198.18.1.11:8080" or "[2001:db8::11]:8080".</summary>
    public string EndPointText => EndPoint.ToString();
}
