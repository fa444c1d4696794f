using System.Buffers.Binary;
using System.Diagnostics;
using LvsDirector.Io;

namespace LvsDirector.Benchmarks.Latency;

/// <summary>
/// Records, for every frame carrying <see cref="StampedFrames.EtherType"/>, the time since the sender wrote its
/// timestamp (Stopwatch ticks, nanoseconds on Linux). No allocation per frame.
/// </summary>
internal sealed class StampSink(int capacity) : IFrameSink
{
    private readonly long[] samples = new long[capacity];
    private volatile int count;

    public int Count => count;

    /// <summary>Frames whose bytes did not match what was sent (a torn or cut frame).</summary>
    public int Corrupt { get; private set; }

    public void Reset()
    {
        count = 0;
        Corrupt = 0;
    }

    public void OnFrame(Span<byte> frame, FrameFlags flags)
    {
        if (!StampedFrames.TryRead(frame, out var stamp, out var intact))
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        if (!intact)
        {
            Corrupt++;
        }

        var n = count;
        if (n < samples.Length)
        {
            samples[n] = now - stamp;
            count = n + 1;
        }
    }

    /// <summary>Sorted copy of the samples in microseconds.</summary>
    public double[] SortedMicroseconds()
    {
        var n = count;
        var result = new double[n];
        for (var i = 0; i < n; i++)
        {
            result[i] = samples[i] * 1_000_000.0 / Stopwatch.Frequency;
        }

        Array.Sort(result);
        return result;
    }
}
