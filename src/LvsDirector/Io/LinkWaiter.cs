using LvsDirector.Interop.Linux;

namespace LvsDirector.Io;

/// <summary>
/// Sleeps until any of several links has frames, so one worker can serve a client-side and a
/// server-side interface without spinning a core. Links that cannot be waited on (in-memory) make the
/// wait a short sleep instead.
/// </summary>
/// <remarks>
/// A frame ring wakes a waiting worker for every frame. Under a flood that costs the kernel a wake-up per frame and
/// the worker a trip through poll for a handful of frames, which halved the frames per second a ring could take
/// compared with a block ring (docs/performance.md, "Latency: how frames reach lvsd"). So after a poll that found a
/// full batch (<see cref="BusyBatch"/> frames), the worker naps <see cref="NapMicroseconds"/> instead of waiting on
/// the sockets: nobody is woken meanwhile and the next poll finds the next batch. A lightly loaded worker never
/// finds that many frames at once, so it never naps and each frame is handled as it arrives.
/// </remarks>
public sealed unsafe class LinkWaiter
{
    /// <summary>Frames one poll must find before the worker naps rather than waits.</summary>
    public const int BusyBatch = 16;

    /// <summary>Length of a nap; the kernel adds the thread's timer slack (50 µs by default).</summary>
    public const int NapMicroseconds = 50;

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

    /// <summary>
    /// What the worker does after a poll that handled <paramref name="handled"/> frames: nap when it found a batch
    /// (true), so the next poll should not wait; otherwise nothing (false). In-memory links never nap.
    /// </summary>
    public bool NapIfBusy(int handled)
    {
        if (handled < BusyBatch || !_canWait)
        {
            return false;
        }

        // An early end (EINTR) only shortens the nap.
        var request = new Timespec { Nanoseconds = NapMicroseconds * 1000L };
        _ = Libc.NanoSleep(&request, null);
        return true;
    }
}
