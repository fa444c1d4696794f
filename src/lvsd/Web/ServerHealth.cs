using LvsDirector.Services;

namespace LvsDirector.Daemon.Web;

/// <summary>
/// Health as shown in metrics and on the status page. No health checks exist yet, so a server is "up" when it
/// takes new connections (weight above 0) and "quiescent" otherwise; checks will add "down" here.
/// </summary>
internal static class ServerHealth
{
    public const string Up = "up";
    public const string Quiescent = "quiescent";

    public static bool IsUp(RealServer server) => server.Weight > 0;

    public static string Of(RealServer server) => IsUp(server) ? Up : Quiescent;
}
