using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LvsDirector.Agent.Interop;

internal static partial class TunNativeMethods
{
    [LibraryImport(TunNative.LibraryName, EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(SafeFileHandle fd, ReadOnlySpan<byte> buffer, nuint count);
}
