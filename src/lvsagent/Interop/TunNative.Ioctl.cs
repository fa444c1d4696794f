using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LvsDirector.Agent.Interop;

internal static partial class TunNativeMethods
{
    // ioctl is variadic in C; one pointer argument is ABI-compatible on x86_64.
    [LibraryImport(TunNative.LibraryName, EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int Ioctl(SafeFileHandle fd, nuint request, ref TunIfReq argument);
}
