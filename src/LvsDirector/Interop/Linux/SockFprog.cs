using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct sock_fprog (linux/filter.h), argument of PACKET_FANOUT_DATA for a PACKET_FANOUT_CBPF group.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockFprog
{
    public ushort Length;
    public LvsDirector.Io.ClassicBpfInstruction* Filter;
}
