using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct tpacket_req3 (if_packet.h), argument of PACKET_RX_RING for TPACKET_V3.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketReq3
{
    public uint BlockSize;
    public uint BlockCount;
    public uint FrameSize;
    public uint FrameCount;
    public uint RetireBlockTimeoutMs;
    public uint SizeOfPrivate;
    public uint FeatureRequestWord;
}
