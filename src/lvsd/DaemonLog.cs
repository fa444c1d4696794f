using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>Every log line of the daemon host, with fixed event ids so operators can filter on them.</summary>
internal static partial class DaemonLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "lvsd {Version} starting (pid {ProcessId}, configuration: {Source})")]
    public static partial void Starting(this ILogger logger, string version, int processId, string source);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Interfaces: {Interfaces}; control socket {SocketPath}")]
    public static partial void Settings(this ILogger logger, string interfaces, string socketPath);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Shutdown requested")]
    public static partial void ShutdownRequested(this ILogger logger);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "lvsd stopped")]
    public static partial void Stopped(this ILogger logger);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Critical, Message = "lvsd failed: {Reason}")]
    public static partial void Failed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Service {Service} added: scheduler {Scheduler}, interface {Interface}, {RealServerCount} real server(s)")]
    public static partial void ServiceAdded(this ILogger logger, string service, string scheduler, string @interface, int realServerCount);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Service {Service} real server {RealServer}: weight {Weight}, method {Method}")]
    public static partial void RealServerAdded(this ILogger logger, string service, string realServer, int weight, string method);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Configuration not applied: {Failure}")]
    public static partial void ApplyFailed(this ILogger logger, string failure);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Information, Message = "Director starting on {InterfaceCount} interface(s) with {ServiceCount} service(s)")]
    public static partial void DirectorStarting(this ILogger logger, int interfaceCount, int serviceCount);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "Director started")]
    public static partial void DirectorStarted(this ILogger logger);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "Director stopping")]
    public static partial void DirectorStopping(this ILogger logger);

    [LoggerMessage(EventId = 1113, Level = LogLevel.Information, Message = "Director stopped")]
    public static partial void DirectorStopped(this ILogger logger);

    [LoggerMessage(EventId = 1114, Level = LogLevel.Error, Message = "Director did not stop cleanly")]
    public static partial void DirectorStopFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "systemd notified: {State}")]
    public static partial void SystemdNotified(this ILogger logger, string state);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "systemd notification {State} failed")]
    public static partial void SystemdNotifyFailed(this ILogger logger, string state, Exception exception);
}
