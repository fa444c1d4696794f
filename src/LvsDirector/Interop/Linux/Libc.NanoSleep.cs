using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    /// <summary>Sleeps for less than a millisecond where Thread.Sleep cannot; a signal may end it early (EINTR).</summary>
    [LibraryImport(LibraryName, EntryPoint = "nanosleep", SetLastError = true)]
    internal static unsafe partial int NanoSleep(Timespec* request, Timespec* remaining);
}
