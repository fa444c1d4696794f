using System.Runtime.CompilerServices;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class Ipv6AllocationTests
{
    private static readonly UInt128 RealBase = Ipv6Address.Parse("2001:db8:0:2::");

    private static readonly byte[][] Frames =
    [
        new Ipv6FrameBuilder().Tcp(40000, 80, TcpFlags.Ack, new byte[100], 12),
        new Ipv6FrameBuilder { VlanId = 3 }.With(Ipv6Extension.DestinationOptions()).Udp(5000, 53, new byte[33]),
        new Ipv6FrameBuilder().IcmpEcho(1, 2, new byte[56]),
    ];

    private static int _sink;

    [Fact]
    public void ParseRewriteAndVerifyOfIpv6FramesAllocateNothing()
    {
        long allocated = AllocationProbe.Measure(Run, 10_000, 1_000_000);

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, _sink);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(int count)
    {
        int acc = 0;
        for (int i = 0; i < count; i++)
        {
            var frame = Frames[i % Frames.Length];
            if (FrameParser.Parse(frame, out var info) == ParseResult.Ok)
            {
                Ipv6NatRewriter.RewriteDestination(frame, in info, RealBase + (UInt128)(uint)(i & 0xFF), (ushort)i);
                Ipv6NatRewriter.RewriteSource(frame, in info, RealBase + (UInt128)(uint)(i & 0xFFF), (ushort)(i >> 3));
                acc += info.DestinationPort + (TransportChecksum.Verify(frame, in info) ? 1 : 0);
            }
        }

        _sink += acc;
    }
}
