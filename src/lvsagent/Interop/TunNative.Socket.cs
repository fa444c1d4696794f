using System.Runtime.InteropServices;

namespace LvsDirector.Agent.Interop;

internal static partial class TunNativeMethods
{
    // System.Net.Sockets refuses raw protocols it has no name for (IPIP is 4), so the descriptor is made here.
    [LibraryImport(TunNative.LibraryName, EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);
}
