namespace LvsDirector.Tests.Configuration;

/// <summary>Finds checked-in files (samples/) from the test output directory, wherever the build put it.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "LvsDirector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No LvsDirector.sln above {AppContext.BaseDirectory}");
    }
}
