using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "socket", SetLastError = true)]
    internal static partial SafePacketSocketHandle Socket(int domain, int type, int protocol);
}
