using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    /// <summary>With MSG_TRUNC a packet socket returns the datagram's full length even when the buffer is shorter.</summary>
    [LibraryImport(LibraryName, EntryPoint = "recv", SetLastError = true)]
    internal static unsafe partial nint Recv(SafeHandle socket, void* buffer, nuint length, int flags);
}
