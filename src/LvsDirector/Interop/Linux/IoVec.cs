using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct iovec.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}
