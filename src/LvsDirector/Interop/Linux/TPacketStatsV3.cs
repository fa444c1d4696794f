using System.Runtime.InteropServices;

namespace LvsDirector.Interop.Linux;

/// <summary>struct tpacket_stats_v3; reading PACKET_STATISTICS resets the kernel's counters.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TPacketStatsV3
{
    public uint Packets;
    public uint Drops;
    public uint FreezeQueueCount;
}
