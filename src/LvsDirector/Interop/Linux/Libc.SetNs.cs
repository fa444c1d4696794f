using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    /// <summary>Moves the calling thread into the namespace <paramref name="fd"/> refers to (e.g. /var/run/netns/NAME).</summary>
    [LibraryImport(LibraryName, EntryPoint = "setns", SetLastError = true)]
    internal static partial int SetNs(SafeHandle fd, int namespaceType);
}
