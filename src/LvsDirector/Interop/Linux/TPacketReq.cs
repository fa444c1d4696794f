using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct tpacket_req (if_packet.h), argument of PACKET_RX_RING for TPACKET_V1/V2.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketReq
{
    public uint BlockSize;
    public uint BlockCount;
    public uint FrameSize;
    public uint FrameCount;
}
