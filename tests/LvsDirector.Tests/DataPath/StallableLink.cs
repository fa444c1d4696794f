using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.Tests.DataPath;

/// <summary>An in-memory link whose <see cref="Poll"/> can be made to hang, as a worker stuck in a loop would.</summary>
internal sealed class StallableLink(InMemoryLink inner) : ILink
{
    private readonly ManualResetEventSlim _running = new(initialState: true);
    private readonly ManualResetEventSlim _stalled = new();

    public string Name => inner.Name;

    public int InterfaceIndex => inner.InterfaceIndex;

    public MacAddress HardwareAddress => inner.HardwareAddress;

    public int Mtu => inner.Mtu;

    public LinkCounters Counters => inner.Counters;

    /// <summary>The next poll blocks until <see cref="Resume"/>; returns once the worker is inside it.</summary>
    public bool Stall(TimeSpan limit)
    {
        _running.Reset();
        return _stalled.Wait(limit);
    }

    public void Resume()
    {
        _stalled.Reset();
        _running.Set();
    }

    public int Poll(IFrameSink sink, int timeoutMs)
    {
        if (!_running.IsSet)
        {
            _stalled.Set();
            _running.Wait();
        }

        return inner.Poll(sink, timeoutMs);
    }

    public bool TrySend(ReadOnlySpan<byte> frame) => inner.TrySend(frame);

    public void Flush() => inner.Flush();

    public void Dispose()
    {
        Resume();
        inner.Dispose();
        _running.Dispose();
        _stalled.Dispose();
    }
}
