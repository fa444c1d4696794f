using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon.Web;

/// <summary>Log lines of the metrics listener, with fixed event ids.</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 1400, Level = LogLevel.Information, Message = "Metrics listening on http://{Endpoint}{Path} (status page: {StatusPage})")]
    public static partial void MetricsListening(this ILogger logger, System.Net.IPEndPoint endpoint, string path, bool statusPage);
}
