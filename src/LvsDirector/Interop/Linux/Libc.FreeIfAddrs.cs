using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "freeifaddrs")]
    internal static unsafe partial void FreeIfAddrs(IfAddrs* list);
}
