namespace LvsDirector.EndToEnd;

/// <summary>Locations in the source tree, found from the test assembly so tests run from any cwd.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    public static string Root => LazyRoot.Value;

    public static string LabScript => Path.Combine(Root, "scripts", "lab.sh");

    public static string PublishScript => Path.Combine(Root, "scripts", "publish.sh");

    /// <summary>
    /// Where lvsd and lvsadm are: artifacts/bin, or LVSE2E_BIN_DIR (relative to the repository root) to try
    /// other builds.
    /// </summary>
    public static string BinDirectory => BinDirectoryOverride is { } dir ? Path.GetFullPath(dir, Root) : Path.Combine(Root, "artifacts", "bin");

    public static string? BinDirectoryOverride =>
        Environment.GetEnvironmentVariable("LVSE2E_BIN_DIR") is { Length: > 0 } dir ? dir : null;

    /// <summary>Survives lab teardown, so daemon logs can be read after a failed run (LVSE2E_LOG_DIR overrides).</summary>
    public static string LogDirectory =>
        Environment.GetEnvironmentVariable("LVSE2E_LOG_DIR") is { Length: > 0 } dir
            ? Path.GetFullPath(dir, Root)
            : Path.Combine(Root, "artifacts", "e2e-logs");

    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string ScriptFile(string name) => Path.Combine(AppContext.BaseDirectory, "Scripts", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LvsDirector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"LvsDirector.sln not found above {AppContext.BaseDirectory}");
    }
}
