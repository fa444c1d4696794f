using Microsoft.Extensions.Logging;

namespace LvsDirector.Tests.HighAvailability;

/// <summary>Keeps every log line (event id and formatted message).</summary>
internal sealed class RecordingLogger : ILogger
{
    public List<(int EventId, LogLevel Level, string Message)> Lines { get; } = [];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        lock (Lines)
        {
            Lines.Add((eventId.Id, logLevel, formatter(state, exception)));
        }
    }
}
