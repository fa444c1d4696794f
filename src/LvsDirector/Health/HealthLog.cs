using LvsDirector.Services;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Health;

/// <summary>One line per health transition, never one per check; event ids 3000-3009 (3010-3019 are the sorry server's).</summary>
internal static partial class HealthLog
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "Real server {Server} of {Service} is down: {Reason} ({Count} of {Threshold} checks failed)")]
    public static partial void ServerDown(ILogger logger, string server, ServiceKey service, string reason, int count, int threshold);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Real server {Server} of {Service} is up: {Reason} ({Count} of {Threshold} checks passed)")]
    public static partial void ServerUp(ILogger logger, string server, ServiceKey service, string reason, int count, int threshold);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Real server {Server} of {Service} is {State}: {Reason}")]
    public static partial void ServerSet(ILogger logger, string server, ServiceKey service, string state, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Health check of real server {Server} of {Service} started: {Check} every {Interval}")]
    public static partial void MonitorStarted(ILogger logger, string server, ServiceKey service, string check, string interval);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Debug, Message = "Health check of real server {Server} of {Service} stopped")]
    public static partial void MonitorStopped(ILogger logger, string server, ServiceKey service);
}
