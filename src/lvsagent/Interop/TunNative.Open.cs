using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LvsDirector.Agent.Interop;

internal static partial class TunNativeMethods
{
    [LibraryImport(TunNative.LibraryName, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial SafeFileHandle Open(string path, int flags);
}
