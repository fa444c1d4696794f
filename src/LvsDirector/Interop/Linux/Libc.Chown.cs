using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    /// <summary>chown(2); uint.MaxValue ((uid_t)-1) leaves that id unchanged.</summary>
    [LibraryImport(LibraryName, EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Chown(string path, uint owner, uint group);
}
