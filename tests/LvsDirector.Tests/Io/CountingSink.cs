using LvsDirector.Io;

namespace LvsDirector.Tests.Io;

/// <summary>Counts frames carrying a given EtherType without allocating.</summary>
internal sealed class CountingSink(ushort etherType) : IFrameSink
{
    public int Count { get; private set; }

    public void OnFrame(Span<byte> frame, FrameFlags flags)
    {
        if (frame.Length >= 14 && ((frame[12] << 8) | frame[13]) == etherType)
        {
            Count++;
        }
    }
}
