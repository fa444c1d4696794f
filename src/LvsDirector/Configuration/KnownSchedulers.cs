namespace LvsDirector.Configuration;

/// <summary>
/// Scheduler names the config file accepts. Kept behind one method so it can defer to the scheduler registry
/// once Scheduling has one; until then it lists the IPVS schedulers lvsd plans first.
/// </summary>
public static class KnownSchedulers
{
    private static readonly string[] Names = ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq"];

    public static IReadOnlyList<string> All => Names;

    public static bool IsKnown(string name) => Array.IndexOf(Names, name) >= 0;
}
