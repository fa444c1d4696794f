using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>Log lines of configuration reloads (SIGHUP, lvsadm --reload), with fixed event ids.</summary>
internal static partial class ReloadLog
{
    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "reload requested by {Trigger}: reading {ConfigPath}")]
    public static partial void ReloadRequested(this ILogger logger, string trigger, string configPath);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Information, Message = "reload: {Change}")]
    public static partial void ReloadChange(this ILogger logger, string change);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "reload: {Setting}")]
    public static partial void ReloadNeedsRestart(this ILogger logger, string setting);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Error, Message = "reload error: {Error}")]
    public static partial void ReloadError(this ILogger logger, string error);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Information, Message = "reload applied: {ChangeCount} changes")]
    public static partial void ReloadApplied(this ILogger logger, int changeCount);

    [LoggerMessage(EventId = 1305, Level = LogLevel.Error, Message = "reload refused: {ErrorCount} errors; the running configuration is unchanged")]
    public static partial void ReloadRefused(this ILogger logger, int errorCount);

    [LoggerMessage(EventId = 1306, Level = LogLevel.Information, Message = "reload: {Change}")]
    public static partial void ServerDrained(this ILogger logger, string change);

    [LoggerMessage(EventId = 1307, Level = LogLevel.Warning, Message = "reload: systemd notification {State} failed")]
    public static partial void ReloadNotifyFailed(this ILogger logger, string state, Exception exception);

    [LoggerMessage(EventId = 1308, Level = LogLevel.Error, Message = "reload applied with {ErrorCount} errors after {ChangeCount} changes")]
    public static partial void ReloadPartial(this ILogger logger, int errorCount, int changeCount);

    [LoggerMessage(EventId = 1309, Level = LogLevel.Warning, Message = "SIGHUP was ignored by the process that started lvsd (nohup or a background shell); lvsd catches it again for reloads")]
    public static partial void SighupWasIgnored(this ILogger logger);
}
