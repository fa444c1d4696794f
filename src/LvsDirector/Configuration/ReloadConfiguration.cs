namespace LvsDirector.Configuration;

/// <summary>How a reload (SIGHUP, lvsadm --reload) treats real servers removed from the file.</summary>
public sealed record ReloadConfiguration
{
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(300);

    public RemovedServerPolicy RemovedServer { get; init; } = RemovedServerPolicy.Drain;

    /// <summary>A draining server is deleted after this long even if connections remain.</summary>
    public TimeSpan DrainTimeout { get; init; } = DefaultDrainTimeout;
}
