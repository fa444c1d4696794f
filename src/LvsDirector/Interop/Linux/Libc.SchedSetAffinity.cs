using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

internal static partial class Libc
{
    /// <summary>sched_setaffinity(2); pid 0 is the calling thread, the mask a cpu_set_t of <paramref name="maskSize"/> bytes.</summary>
    [LibraryImport(LibraryName, EntryPoint = "sched_setaffinity", SetLastError = true)]
    internal static unsafe partial int SchedSetAffinity(int pid, nuint maskSize, ulong* mask);
}
