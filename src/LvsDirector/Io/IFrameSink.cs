namespace LvsDirector.Io;

/// <summary>Receives the frames of one <see cref="ILink.Poll"/> call.</summary>
public interface IFrameSink
{
    /// <summary>
    /// Handles one frame. <paramref name="frame"/> is valid only until this method returns (it may point into the
    /// kernel ring); it may be rewritten in place and passed to <see cref="ILink.TrySend"/> of any link meanwhile.
    /// </summary>
    void OnFrame(Span<byte> frame, FrameFlags flags);
}
