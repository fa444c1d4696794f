using System.Net;
using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>A service or real server from the configuration that the service table refused.</summary>
/// <param name="Service">The virtual service concerned.</param>
/// <param name="RealServer">The real server concerned, or null when adding the service itself failed.</param>
/// <param name="Error">What the service table answered.</param>
public sealed record ConfigurationApplyFailure(ServiceKey Service, IPEndPoint? RealServer, ServiceTableError Error)
{
    public override string ToString()
    {
        var service = Service.ToString();
        return RealServer is null
            ? $"service {service}: {Error}"
            : $"service {service} real server {RealServer}: {Error}";
    }
}
