using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>What the lvsd command line asked for; null means "not given".</summary>
internal sealed record CommandLineOptions
{
    public string? ConfigPath { get; init; }

    /// <summary>--interface values in order, duplicates removed.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    public string? SocketPath { get; init; }

    public LogLevel? LogLevel { get; init; }

    public string? CheckConfigPath { get; init; }

    /// <summary>--workers: null not given, 0 "auto", else the count.</summary>
    public int? Workers { get; init; }

    public bool ShowHelp { get; init; }

    public bool ShowVersion { get; init; }
}
