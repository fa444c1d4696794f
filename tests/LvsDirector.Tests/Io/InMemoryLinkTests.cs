using System.Diagnostics;
using System.Runtime.CompilerServices;
using LvsDirector.Io;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Io;

public sealed class InMemoryLinkTests
{
    private static readonly MacAddress Mac = MacAddress.Parse("02:00:00:00:01:01");

    private static InMemoryLink NewLink(int rx = 8, int tx = 8, int maxFrame = 128) =>
        new("mem0", Mac, 1500, rx, tx, maxFrame);

    private static byte[] Frame(byte marker, int length = 60)
    {
        var frame = new byte[length];
        frame.AsSpan().Fill(marker);
        return frame;
    }

    [Fact]
    public void Properties_ComeFromTheConstructor()
    {
        using var link = NewLink();
        Assert.Equal("mem0", link.Name);
        Assert.Equal(Mac, link.HardwareAddress);
        Assert.Equal(1500, link.Mtu);
        Assert.Equal(1, link.InterfaceIndex);
    }

    [Fact]
    public void Poll_DeliversInjectedFramesInOrderWithFlags()
    {
        using var link = NewLink();
        Assert.True(link.Inject(Frame(1)));
        Assert.True(link.Inject(Frame(2, 70), FrameFlags.ChecksumNotReady));
        Assert.True(link.Inject(Frame(3, 80), FrameFlags.Truncated));
        var sink = new CollectingSink();

        var delivered = link.Poll(sink, 0);

        Assert.Equal(3, delivered);
        Assert.Equal([Frame(1), Frame(2, 70), Frame(3, 80)], sink.Frames.Select(f => f.Frame));
        Assert.Equal([FrameFlags.None, FrameFlags.ChecksumNotReady, FrameFlags.Truncated], sink.Frames.Select(f => f.Flags));
        var counters = link.Counters;
        Assert.Equal(3, counters.Received);
        Assert.Equal(60 + 70 + 80, counters.ReceivedBytes);
        Assert.Equal(1, counters.ChecksumNotReady);
        Assert.Equal(1, counters.Truncated);
        Assert.Equal(0, link.Poll(sink, 0));
    }

    [Fact]
    public void Poll_TimesOutWhenNothingArrives()
    {
        using var link = NewLink();
        var watch = Stopwatch.StartNew();
        Assert.Equal(0, link.Poll(new CollectingSink(), 50));
        Assert.True(watch.ElapsedMilliseconds >= 40, $"returned after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task Poll_WakesUpWhenAnotherThreadInjects()
    {
        using var link = NewLink();
        var sink = new CollectingSink();
        var poll = Task.Run(() => link.Poll(sink, 10_000));
        await Task.Delay(50);
        link.Inject(Frame(9));
        var delivered = await poll.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, delivered);
        Assert.Equal(Frame(9), sink.Frames.Single().Frame);
    }

    [Fact]
    public void Inject_RejectsWhenFullOrTooLarge_AndCountsDrops()
    {
        using var link = NewLink(rx: 2, maxFrame: 100);
        Assert.True(link.Inject(Frame(1)));
        Assert.True(link.Inject(Frame(2)));
        Assert.False(link.Inject(Frame(3)));
        Assert.False(link.Inject(Frame(4, 101)));
        Assert.Equal(2, link.Counters.RxDropped);
        Assert.Equal(2, link.Poll(new CollectingSink(), 0));
        Assert.True(link.Inject(Frame(5)));
    }

    [Fact]
    public void SentFrames_AreVisibleOnlyAfterFlush_InOrder()
    {
        using var link = NewLink();
        Assert.True(link.TrySend(Frame(1)));
        Assert.True(link.TrySend(Frame(2, 64)));
        Assert.Equal(0, link.SentCount);
        Assert.Equal(2, link.PendingSendCount);
        Assert.False(link.TryTakeSent(new byte[128], out _));

        link.Flush();

        Assert.Equal(2, link.SentCount);
        Assert.Equal(Frame(1), link.TakeSent());
        var buffer = new byte[128];
        Assert.True(link.TryTakeSent(buffer, out var length));
        Assert.Equal(Frame(2, 64), buffer[..length]);
        Assert.Equal(0, link.SentCount);
        Assert.Equal(2, link.Counters.Sent);
        Assert.Equal(124, link.Counters.SentBytes);
    }

    [Fact]
    public void TrySend_ReturnsFalseWhenQueueFullOrFrameTooLarge_AndCounts()
    {
        using var link = NewLink(tx: 2, maxFrame: 100);
        Assert.True(link.TrySend(Frame(1)));
        Assert.True(link.TrySend(Frame(2)));
        Assert.False(link.TrySend(Frame(3)));
        link.Flush();
        Assert.False(link.TrySend(Frame(4)));
        Assert.False(link.TrySend(Frame(5, 101)));
        Assert.Equal(3, link.Counters.SendFailures);
        link.TakeSent();
        Assert.True(link.TrySend(Frame(6)));
    }

    [Fact]
    public void DiscardSent_CountsWithoutKeeping()
    {
        using var link = NewLink(tx: 2);
        link.DiscardSent = true;
        for (var i = 0; i < 10; i++)
        {
            Assert.True(link.TrySend(Frame((byte)i)));
            link.Flush();
        }

        Assert.Equal(10, link.Counters.Sent);
        Assert.Equal(0, link.SentCount);
        Assert.Throws<InvalidOperationException>(() => link.TakeSent());
    }

    [Fact]
    public void Sink_MayRewriteInPlaceAndSendOnAnotherLink()
    {
        using var input = NewLink();
        using var output = NewLink();
        var frame = new byte[60];
        MacAddress.Parse("02:00:00:00:00:01").Write(frame);
        MacAddress.Parse("02:00:00:00:00:02").Write(frame.AsSpan(6));
        input.Inject(frame);

        input.Poll(new ForwardingSink(output), 0);
        output.Flush();

        var sent = output.TakeSent();
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:02"), MacAddress.Read(sent));
        Assert.Equal(MacAddress.Parse("02:00:00:00:00:01"), MacAddress.Read(sent.AsSpan(6)));
    }

    [Fact]
    public void OneMillionFrames_AllocateNothing()
    {
        const int Batch = 32;
        const int Total = 1_000_000;
        using var input = new InMemoryLink("in0", Mac, 1500, Batch, 1, 128);
        using var output = new InMemoryLink("out0", Mac, 1500, 1, Batch, 128) { DiscardSent = true };
        var sink = new ForwardingSink(output);
        var frame = new byte[64];
        frame.AsSpan().Fill(0x5a);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Run(int frames)
        {
            for (var done = 0; done < frames; done += Batch)
            {
                for (var i = 0; i < Batch; i++)
                {
                    input.Inject(frame);
                }

                input.Poll(sink, 0);
                output.Flush();
            }
        }

        long sentBefore = 0;
        var allocated = AllocationProbe.Measure(
            frames =>
            {
                sentBefore = output.Counters.Sent;
                Run(frames);
            },
            Batch * 1000,
            Total);
        Assert.Equal(0, allocated);
        Assert.Equal(Total, output.Counters.Sent - sentBefore);
        Assert.Equal(0, output.Counters.SendFailures);
        Assert.Equal(0, input.Counters.RxDropped);
    }
}
