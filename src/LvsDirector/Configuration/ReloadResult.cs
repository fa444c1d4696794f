namespace LvsDirector.Configuration;

/// <summary>The outcome of one reload: what changed, what needs a restart, or why nothing was applied.</summary>
/// <param name="Applied">False when the file was refused; the running table is then untouched.</param>
/// <param name="Changes">One line per change made, e.g. "service TCP 198.18.0.1:80 edited: scheduler rr -> wrr".</param>
/// <param name="Warnings">Start-up-only settings that changed and are not applied until lvsd restarts.</param>
/// <param name="Errors">Why the file was refused (or a change the table refused).</param>
public sealed record ReloadResult(bool Applied, IReadOnlyList<string> Changes, IReadOnlyList<string> Warnings, IReadOnlyList<string> Errors)
{
    public static ReloadResult Refused(IReadOnlyList<string> errors) => new(false, [], [], errors);
}
