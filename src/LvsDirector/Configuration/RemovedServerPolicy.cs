namespace LvsDirector.Configuration;

/// <summary>What a reload does with a real server the file no longer lists (reload.removed_server).</summary>
public enum RemovedServerPolicy
{
    /// <summary>Weight 0 first, deleted once its connections are gone or the drain timeout passes.</summary>
    Drain,

    /// <summary>Removed at once, as ipvsadm -d does.</summary>
    Delete,
}
