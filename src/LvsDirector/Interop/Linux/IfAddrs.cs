using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct ifaddrs (56 bytes on x86_64), a node of the list getifaddrs returns.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IfAddrs
{
    public IfAddrs* Next;
    public byte* Name;
    public uint Flags;
    public byte* Address;
    public byte* Netmask;
    public byte* BroadcastOrDestination;
    public void* Data;
}
