using LvsDirector.Configuration;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace LvsDirector.Daemon;

/// <summary>Builds the Serilog logger behind Microsoft.Extensions.Logging from the logging section.</summary>
internal static class DaemonLogging
{
    public const string JournalStreamVariable = "JOURNAL_STREAM";

    private const string ConsoleTemplate = "{Timestamp:yyyy-MM-ddTHH:mm:ss.fffzzz} {Level:u3} {Message:lj}{NewLine}{Exception}";

    public static bool IsJournal => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(JournalStreamVariable));

    public static Serilog.Core.Logger CreateLogger(LoggingConfiguration logging, bool journal)
    {
        ArgumentNullException.ThrowIfNull(logging);
        var configuration = new LoggerConfiguration();
        if (logging.Level == LogLevel.None)
        {
            return configuration.CreateLogger();
        }

        // The host's own chatter ("Hosting starting", lifetime messages) is noise for an operator. The override
        // lives here because AddSerilog adds a provider rule that lets everything through to Serilog.
        configuration.MinimumLevel.Is(ToSerilog(logging.Level))
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning);
        if (journal)
        {
            configuration.WriteTo.Console(new JournaldFormatter());
        }
        else
        {
            configuration.WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        if (logging.File is { } file)
        {
            configuration.WriteTo.File(file, outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
        }

        return configuration.CreateLogger();
    }

    public static LogEventLevel ToSerilog(LogLevel level) => level switch
    {
        LogLevel.Trace => LogEventLevel.Verbose,
        LogLevel.Debug => LogEventLevel.Debug,
        LogLevel.Information => LogEventLevel.Information,
        LogLevel.Warning => LogEventLevel.Warning,
        LogLevel.Error => LogEventLevel.Error,
        _ => LogEventLevel.Fatal,
    };
}
