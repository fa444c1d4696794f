namespace LvsDirector.Daemon;

/// <summary>
/// Tells whether the director's packet worker thread still exists, by its kernel thread name in
/// /proc/self/task/*/comm (.NET names the OS thread after Thread.Name, cut to 15 bytes). Director exposes no
/// liveness of its own yet; this sees a thread that died, not one stuck in a loop.
/// </summary>
internal sealed class WorkerThreadProbe
{
    public const string DefaultThreadNamePrefix = "lvsd-worker";

    private readonly string _taskDirectory;
    private readonly string _prefix;

    public WorkerThreadProbe(string taskDirectory = "/proc/self/task", string prefix = DefaultThreadNamePrefix)
    {
        _taskDirectory = taskDirectory;
        _prefix = prefix;
    }

    public bool IsAlive()
    {
        try
        {
            foreach (var task in Directory.EnumerateDirectories(_taskDirectory))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(task, "comm")).StartsWith(_prefix, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
                catch (IOException)
                {
                    // The thread ended while we looked; keep searching.
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }

        return false;
    }
}
