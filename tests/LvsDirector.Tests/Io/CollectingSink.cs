using LvsDirector.Io;

namespace LvsDirector.Tests.Io;

/// <summary>Keeps a copy of every frame it sees (tests only; it allocates).</summary>
internal sealed class CollectingSink : IFrameSink
{
    public List<(byte[] Frame, FrameFlags Flags)> Frames { get; } = [];

    public void OnFrame(Span<byte> frame, FrameFlags flags) => Frames.Add((frame.ToArray(), flags));
}
