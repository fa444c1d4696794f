using Microsoft.Extensions.Logging;

namespace LvsDirector.Configuration;

/// <summary>Where and how much lvsd logs.</summary>
public sealed record LoggingConfiguration
{
    public LogLevel Level { get; init; } = LogLevel.Information;

    /// <summary>Optional log file written in addition to the console (or journal).</summary>
    public string? File { get; init; }
}
