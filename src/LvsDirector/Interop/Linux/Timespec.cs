using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct timespec (16 bytes on x86_64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Timespec
{
    public long Seconds;
    public long Nanoseconds;
}
