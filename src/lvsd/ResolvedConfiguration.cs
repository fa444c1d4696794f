using LvsDirector.Configuration;

namespace LvsDirector.Daemon;

/// <summary>The configuration lvsd runs with, or why it cannot run.</summary>
/// <param name="Configuration">The effective configuration (file plus flags); null on failure.</param>
/// <param name="ConfigPath">The file it came from; null when lvsd runs from flags alone.</param>
/// <param name="Errors">Configuration file errors (exit 1).</param>
/// <param name="UsageError">A command line problem (exit 2).</param>
internal sealed record ResolvedConfiguration(
    DirectorConfiguration? Configuration,
    string? ConfigPath,
    IReadOnlyList<ConfigurationError> Errors,
    string? UsageError);
