using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.Tests.DataPath;

/// <summary>An in-memory link whose transmit throws while <see cref="Throw"/> is set: a stand-in for a bug on a frame's path.</summary>
internal sealed class ThrowingLink(InMemoryLink inner) : ILink
{
    public InMemoryLink Inner { get; } = inner;

    public bool Throw { get; set; }

    public string Name => Inner.Name;

    public int InterfaceIndex => Inner.InterfaceIndex;

    public MacAddress HardwareAddress => Inner.HardwareAddress;

    public int Mtu => Inner.Mtu;

    public LinkCounters Counters => Inner.Counters;

    public int Poll(IFrameSink sink, int timeoutMs) => Inner.Poll(sink, timeoutMs);

    public bool TrySend(ReadOnlySpan<byte> frame) => Throw ? throw new InvalidOperationException("injected transmit failure") : Inner.TrySend(frame);

    public void Flush() => Inner.Flush();

    public void Dispose() => Inner.Dispose();
}
