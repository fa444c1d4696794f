namespace LvsDirector.Daemon;

/// <summary>Where a reload reads its configuration: the start-up file, resolved with the start-up flags.</summary>
/// <param name="ConfigPath">The file lvsd was started with; null when it runs from flags alone.</param>
/// <param name="Resolve">Reads and resolves the file again.</param>
internal sealed record ReloadSource(string? ConfigPath, Func<ResolvedConfiguration> Resolve);
