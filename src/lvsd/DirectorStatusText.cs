using LvsDirector.Services;

namespace LvsDirector.Daemon;

/// <summary>The one-line STATUS= text systemctl status shows for lvsd.</summary>
internal static class DirectorStatusText
{
    public static string Describe(ServiceTableSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var services = snapshot.Services.Count;
        var servers = 0;
        foreach (var service in snapshot.Services)
        {
            servers += service.Servers.Count;
        }

        return $"serving {services} service{(services == 1 ? "" : "s")}, {servers} real server{(servers == 1 ? "" : "s")}";
    }
}
