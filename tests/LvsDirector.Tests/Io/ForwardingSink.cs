using LvsDirector.Io;

namespace LvsDirector.Tests.Io;

/// <summary>Swaps the Ethernet addresses in place and sends the frame on another link, like a forwarder would.</summary>
internal sealed class ForwardingSink(ILink output) : IFrameSink
{
    public void OnFrame(Span<byte> frame, FrameFlags flags)
    {
        Span<byte> scratch = stackalloc byte[6];
        frame[..6].CopyTo(scratch);
        frame.Slice(6, 6).CopyTo(frame);
        scratch.CopyTo(frame.Slice(6, 6));
        output.TrySend(frame);
    }
}
