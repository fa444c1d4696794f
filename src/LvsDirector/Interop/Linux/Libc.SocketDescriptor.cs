using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    /// <summary>
    /// socket(2) returning the bare descriptor, for sockets System.Net.Sockets cannot create itself (a raw IPv4 socket
    /// for a protocol it has no <see cref="System.Net.Sockets.ProtocolType"/> for, such as VRRP's 112) but can adopt
    /// through a SafeSocketHandle.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "socket", SetLastError = true)]
    internal static partial int SocketDescriptor(int domain, int type, int protocol);
}
