using LvsDirector.Services;

namespace LvsDirector.Daemon.Web;

/// <summary>
/// Health as shown in metrics and on the status page: "down" while a health check holds the server down, else
/// "up" when it takes new connections (weight above 0) and "quiescent" when its operator gave it weight 0.
/// </summary>
internal static class ServerHealth
{
    public const string Up = "up";
    public const string Quiescent = "quiescent";
    public const string Down = "down";

    public static bool IsUp(RealServer server) => !server.IsDown && server.Weight > 0;

    public static string Of(RealServer server) => server.IsDown ? Down : IsUp(server) ? Up : Quiescent;
}
