using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    [LibraryImport(LibraryName, EntryPoint = "getsockopt", SetLastError = true)]
    internal static unsafe partial int GetSockOpt(SafeHandle socket, int level, int optionName, void* optionValue, uint* optionLength);
}
