using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct sockaddr_ll (20 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockAddrLl
{
    public ushort Family;
    public ushort ProtocolNetworkOrder;
    public int InterfaceIndex;
    public ushort HardwareType;
    public byte PacketType;
    public byte HardwareAddressLength;
    public fixed byte HardwareAddress[8];
}
