using LvsDirector.Io;

namespace LvsDirector.Benchmarks;

/// <summary>Moves every frame to another link untouched: the cost of the links alone, as a baseline.</summary>
internal sealed class PassThroughSink(ILink output) : IFrameSink
{
    public void OnFrame(Span<byte> frame, FrameFlags flags) => output.TrySend(frame);
}
