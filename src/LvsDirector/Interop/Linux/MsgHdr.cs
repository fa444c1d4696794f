using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct msghdr (56 bytes on x86_64; the padding after NameLength comes from sequential layout).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    public void* Name;
    public uint NameLength;
    public IoVec* Iov;
    public nuint IovLength;
    public void* Control;
    public nuint ControlLength;
    public int Flags;
}
