using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Health;

/// <summary>One configured real server and its check (null: never checked, always up).</summary>
/// <param name="Service">The server's virtual service.</param>
/// <param name="Address">The server's address.</param>
/// <param name="Port">The server's port (as in the service table).</param>
/// <param name="Target">What to check; null for no check.</param>
public sealed record HealthCheckAssignment(ServiceKey Service, IPAddress Address, ushort Port, HealthCheckTarget? Target);
