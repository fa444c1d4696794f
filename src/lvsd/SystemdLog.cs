using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>Log lines of systemd integration beyond the basic notify lines in <see cref="DaemonLog"/>; ids 1202-1219.</summary>
internal static partial class SystemdLog
{
    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "systemd watchdog enabled: timeout {Timeout}, pinging every {Interval}")]
    public static partial void WatchdogEnabled(this ILogger logger, TimeSpan timeout, TimeSpan interval);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Error, Message = "Packet worker is not running; withholding the systemd watchdog ping so systemd restarts lvsd")]
    public static partial void WatchdogWithheld(this ILogger logger);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Packet worker is running again; systemd watchdog pings resumed")]
    public static partial void WatchdogResumed(this ILogger logger);
}
