using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct mmsghdr (64 bytes on x86_64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    public MsgHdr Header;
    public uint Length;
}
