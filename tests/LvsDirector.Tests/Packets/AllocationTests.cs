using System.Runtime.CompilerServices;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class AllocationTests
{
    [Fact]
    public void ParseAndRewriteAMillionFramesAllocateNothing()
    {
        var frames = new[]
        {
            new FrameBuilder().Tcp(40000, 80, TcpFlags.Ack, new byte[100], 12),
            new FrameBuilder { VlanId = 3 }.Udp(5000, 53, new byte[33]),
            new FrameBuilder().IcmpEcho(1, 2, new byte[56]),
        };
        int checksum = 0;
        long allocated = AllocationProbe.Measure(count => checksum += Run(frames, count), 10_000, 1_000_000);

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, checksum);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Run(byte[][] frames, int count)
    {
        int acc = 0;
        for (int i = 0; i < count; i++)
        {
            var frame = frames[i % frames.Length];
            if (FrameParser.Parse(frame, out var info) == ParseResult.Ok)
            {
                NatRewriter.RewriteDestination(frame, in info, 0xC6130000u + (uint)(i & 0xFF), (ushort)i);
                NatRewriter.RewriteSource(frame, in info, 0xC6120000u + (uint)(i & 0xFF), (ushort)(i >> 3));
                acc += info.DestinationPort + (TransportChecksum.Verify(frame, in info) ? 0 : 1);
            }
        }

        return acc;
    }
}
