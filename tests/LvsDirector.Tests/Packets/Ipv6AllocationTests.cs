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

    private static readonly byte[] Solicitation = MakeSolicitation();

    private static readonly byte[] BigFrame = new Ipv6FrameBuilder().Tcp(40000, 80, TcpFlags.Ack, new byte[1440]);

    private static readonly byte[] Output = new byte[4096];

    private static int _sink;

    private static byte[] MakeSolicitation()
    {
        var frame = new byte[NeighborDiscovery.FrameLength];
        NeighborDiscovery.WriteSolicitation(frame, new MacAddress(0x02_00_00_00_00_01), Ipv6FrameBuilder.Client, Ipv6FrameBuilder.Vip);
        return frame;
    }

    [Fact]
    public void NeighborDiscoveryIcmpv6AndTunnelBuildersAllocateNothing()
    {
        long allocated = AllocationProbe.Measure(RunBuilders, 2_000, 200_000);

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, _sink);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void RunBuilders(int count)
    {
        var mac = new MacAddress(0x02_00_00_00_00_99);
        int acc = 0;
        for (int i = 0; i < count; i++)
        {
            if (FrameParser.Parse(Solicitation, out var info) == ParseResult.Ok && NeighborDiscovery.TryReadSolicitation(Solicitation, in info, out var ns))
            {
                acc += NeighborDiscovery.WriteSolicitedAdvertisement(Output, in ns, mac);
            }

            acc += NeighborDiscovery.WriteUnsolicitedAdvertisement(Output, mac, RealBase + (UInt128)(uint)i);
            if (FrameParser.Parse(BigFrame, out var big) == ParseResult.Ok)
            {
                acc += Ipv6Encapsulation.Encapsulate(BigFrame, in big, Output, RealBase, RealBase + 1);
                int length = Icmpv6.WritePacketTooBig(Output, BigFrame, in big, mac, 1400);
                var error = Output.AsSpan(0, length);
                if (FrameParser.Parse(error, out var errorInfo) == ParseResult.Ok && Icmpv6.TryReadQuoted(error, in errorInfo, out var quoted))
                {
                    Icmpv6ErrorRewriter.TranslateTowardsServer(error, in errorInfo, in quoted, RealBase, (ushort)i);
                    acc += quoted.SourcePort;
                }
            }
        }

        _sink += acc;
    }

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
