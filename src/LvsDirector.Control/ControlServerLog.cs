using Microsoft.Extensions.Logging;

namespace LvsDirector.Control;

/// <summary>Log messages of the control server; event ids 4100-4119 belong to it.</summary>
internal static partial class ControlServerLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Control socket listening on {SocketPath}")]
    public static partial void Listening(ILogger logger, string socketPath);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Removed stale control socket {SocketPath}")]
    public static partial void RemovedStaleSocket(ILogger logger, string socketPath);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Control socket {SocketPath} closed")]
    public static partial void Stopped(ILogger logger, string socketPath);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Debug, Message = "Control request {Command} answered ok={Ok} error={Error}")]
    public static partial void Handled(ILogger logger, string command, bool ok, ControlError error);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Rejected control request: {Error}: {Reason}")]
    public static partial void Rejected(ILogger logger, ControlError error, string reason);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Error, Message = "Control handler failed on {Command}")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string command);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Debug, Message = "Control connection ended early")]
    public static partial void ConnectionLost(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Error, Message = "Accepting control connections failed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "Control request timed out after {Timeout}")]
    public static partial void TimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Warning, Message = "Refused control connection from pid {ProcessId} uid {UserId} gid {GroupId}: not root, the daemon user or a member of {Group} ({Suppressed} similar refusal(s) not logged)")]
    public static partial void PeerRefused(ILogger logger, int processId, uint userId, uint groupId, string group, long suppressed);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Refused control connection: the peer's credentials (SO_PEERCRED) could not be read")]
    public static partial void PeerCredentialsUnavailable(ILogger logger);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Control socket {SocketPath} owned by group {Group} (gid {GroupId})")]
    public static partial void SocketGroupApplied(ILogger logger, string socketPath, string group, uint groupId);
}
