namespace LvsDirector.Tests.Control;

/// <summary>A short temporary directory (Unix socket paths are limited to 107 bytes), removed on dispose.</summary>
internal sealed class TempSocketDirectory : IDisposable
{
    public TempSocketDirectory()
    {
        Path = System.IO.Path.Combine("/tmp", "lvsdt-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string SocketPath(string name = "lvsd.sock") => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Leftovers in /tmp are harmless.
        }
    }
}
