using LvsDirector.Statistics;

namespace LvsDirector.Tests.Statistics;

/// <summary>Counters a test sets by hand.</summary>
internal sealed class FakeTrafficSource : ITrafficSource
{
    public long Connections { get; set; }

    public long InPackets { get; set; }

    public long OutPackets { get; set; }

    public long InBytes { get; set; }

    public long OutBytes { get; set; }

    public void Add(long connections, long inPackets, long outPackets, long inBytes, long outBytes)
    {
        Connections += connections;
        InPackets += inPackets;
        OutPackets += outPackets;
        InBytes += inBytes;
        OutBytes += outBytes;
    }
}
