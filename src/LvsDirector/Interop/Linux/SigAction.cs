using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>glibc's struct sigaction on x86_64 Linux: handler, a 1,024-bit mask, flags, restorer (152 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SigAction
{
    /// <summary>SIG_DFL.</summary>
    public const nint Default = 0;

    /// <summary>SIG_IGN.</summary>
    public const nint Ignore = 1;

    public nint Handler;
    public fixed ulong Mask[16];
    public int Flags;
    private readonly int _padding;
    public nint Restorer;
}
