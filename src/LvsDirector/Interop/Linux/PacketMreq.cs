using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct packet_mreq, argument of PACKET_ADD_MEMBERSHIP.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct PacketMreq
{
    public int InterfaceIndex;
    public ushort Type;
    public ushort AddressLength;
    public fixed byte Address[8];
}
