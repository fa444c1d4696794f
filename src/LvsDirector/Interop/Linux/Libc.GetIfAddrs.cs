using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    /// <summary>The list must be released with <see cref="FreeIfAddrs"/>.</summary>
    [LibraryImport(LibraryName, EntryPoint = "getifaddrs", SetLastError = true)]
    internal static unsafe partial int GetIfAddrs(IfAddrs** list);
}
