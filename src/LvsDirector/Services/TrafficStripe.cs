using System.Runtime.InteropServices;

namespace LvsDirector.Services;

/// <summary>
/// One worker's share of a <see cref="TrafficCounters"/>. 128 bytes with the counters in the second half, so that
/// two stripes of one array never put their counters on the same 64-byte cache line, however the array is aligned.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct TrafficStripe
{
    [FieldOffset(64)]
    public long Connections;

    [FieldOffset(72)]
    public long InPackets;

    [FieldOffset(80)]
    public long OutPackets;

    [FieldOffset(88)]
    public long InBytes;

    [FieldOffset(96)]
    public long OutBytes;
}
