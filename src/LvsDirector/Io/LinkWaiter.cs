using LvsDirector.Interop.Linux;

namespace LvsDirector.Io;

/// <summary>
/// Sleeps until any of several links has frames, so one worker can serve a client-side and a
/// server-side interface without spinning a core. Links that cannot be waited on (in-memory) make the
/// wait a short sleep instead.
/// </summary>
public sealed unsafe class LinkWaiter
{
    private const short PollIn = 0x001;
    private const short PollErr = 0x008;

    private readonly AfPacketLink[] _packetLinks;
    private readonly bool _canWait;

    public LinkWaiter(IReadOnlyList<ILink> links)
    {
        ArgumentNullException.ThrowIfNull(links);
        _packetLinks = links.OfType<AfPacketLink>().ToArray();
        _canWait = _packetLinks.Length == links.Count && links.Count <= 16;
    }

    /// <summary>Returns when a link may have frames or the timeout passed; never throws for EINTR.</summary>
    public void Wait(int timeoutMs)
    {
        if (!_canWait)
        {
            Thread.Sleep(Math.Min(timeoutMs, 1));
            return;
        }

        var fds = stackalloc PollFd[_packetLinks.Length];
        for (var i = 0; i < _packetLinks.Length; i++)
        {
            if (_packetLinks[i].HasReadyFrames)
            {
                return;
            }

            fds[i] = new PollFd { Fd = _packetLinks[i].Descriptor, Events = PollIn | PollErr };
        }

        // Errors (EINTR, a link going down) surface on the next Poll of the link itself.
        _ = Libc.Poll(fds, (nuint)_packetLinks.Length, timeoutMs);
    }
}
