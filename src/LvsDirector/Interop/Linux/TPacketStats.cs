using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct tpacket_stats, what PACKET_STATISTICS returns for TPACKET_V1/V2; reading it resets the kernel's counters.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketStats
{
    public uint Packets;
    public uint Drops;
}
