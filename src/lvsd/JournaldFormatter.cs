using System.Globalization;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;

namespace LvsDirector.Daemon;

/// <summary>
/// Formats for stdout under systemd: each line starts with a syslog priority "&lt;N&gt;" that journald strips
/// and records, and carries no timestamp because the journal adds its own. Every line of a multi-line event
/// (exception stack traces) gets the prefix, since journald treats each line as its own entry.
/// </summary>
internal sealed class JournaldFormatter : ITextFormatter
{
    private readonly MessageTemplateTextFormatter _inner = new("{Message:lj}{NewLine}{Exception}", CultureInfo.InvariantCulture);

    public static int Priority(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => 7,
        LogEventLevel.Information => 6,
        LogEventLevel.Warning => 4,
        LogEventLevel.Error => 3,
        _ => 2,
    };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        ArgumentNullException.ThrowIfNull(output);
        using var buffer = new StringWriter(CultureInfo.InvariantCulture);
        _inner.Format(logEvent, buffer);
        var prefix = $"<{Priority(logEvent.Level)}>";
        foreach (var line in buffer.ToString().Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0)
            {
                continue;
            }

            output.Write(prefix);
            output.Write(trimmed);
            output.Write('\n');
        }
    }
}
