using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class Ipv6NatRewriterTests
{
    private static readonly UInt128 Real = Ipv6Address.Parse("2001:db8:0:2::10");

    private static UInt128 RandomAddress(Random random) => new((ulong)random.NextInt64(), (ulong)random.NextInt64() ^ (ulong)random.Next());

    private static byte[] RandomFrame(Random random, int kind)
    {
        var builder = new Ipv6FrameBuilder { SourceAddress = RandomAddress(random), DestinationAddress = RandomAddress(random) };
        if (random.Next(4) == 0)
        {
            builder.Extensions.Add(Ipv6Extension.DestinationOptions());
        }

        var payload = FrameBuilder.RandomPayload(random, random.Next(0, 300));
        return kind switch
        {
            0 => builder.Tcp((ushort)random.Next(65536), (ushort)random.Next(65536), TcpFlags.Ack, payload, optionsLength: 4 * random.Next(0, 4)),
            1 => builder.Udp((ushort)random.Next(65536), (ushort)random.Next(65536), payload),
            _ => builder.IcmpEcho((ushort)random.Next(65536), 1, payload),
        };
    }

    [Fact]
    public void IncrementalRewriteEqualsFullRecomputationOnRandomFrames()
    {
        var random = new Random(4291);
        for (int i = 0; i < 6000; i++)
        {
            var frame = RandomFrame(random, i % 3);
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
            UInt128 newAddress = RandomAddress(random);
            ushort newPort = (ushort)random.Next(65536);
            bool destination = random.Next(2) == 0;
            if (destination)
            {
                Ipv6NatRewriter.RewriteDestination(frame, in info, newAddress, newPort);
            }
            else
            {
                Ipv6NatRewriter.RewriteSource(frame, in info, newAddress, newPort);
            }

            Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var after));
            Assert.Equal(newAddress, destination ? after.DestinationAddress6 : after.SourceAddress6);
            if (info.Protocol != IpProtocol.Icmpv6)
            {
                Assert.Equal(newPort, destination ? after.DestinationPort : after.SourcePort);
            }

            int checksumOffset = info.Protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, _ => 2 };
            var segment = frame.AsSpan(after.L4Offset, after.L4Length);
            ushort incremental = BinaryPrimitives.ReadUInt16BigEndian(segment[checksumOffset..]);
            ushort full = Checksum.Transport6(segment, checksumOffset, after.SourceAddress6, after.DestinationAddress6, after.Protocol);
            Assert.True(ReferenceChecksum.Equivalent(full, incremental), $"case {i}: {incremental:x4} vs {full:x4}");
            Assert.True(ReferenceChecksum.Verifies(segment, ReferenceChecksum.PseudoHeader6(after.SourceAddress6, after.DestinationAddress6, after.Protocol, after.L4Length)));
            Assert.True(TransportChecksum.Verify(frame, after));
            if (info.Protocol == IpProtocol.Udp)
            {
                Assert.NotEqual(0, incremental);
            }
        }
    }

    [Fact]
    public void InboundAndOutboundRoundTripRestoresTheFrame()
    {
        var original = new Ipv6FrameBuilder().Tcp(40000, 80, TcpFlags.Syn, [], optionsLength: 20);
        var frame = (byte[])original.Clone();
        FrameParser.Parse(frame, out var info);
        Ipv6NatRewriter.RewriteDestination(frame, in info, Real, 8080);
        Assert.Equal(Real, Ipv6Address.Read(frame.AsSpan(14 + 24)));
        Assert.Equal(8080, TcpHeader.DestinationPort(frame.AsSpan(info.L4Offset)));
        Assert.Equal(Ipv6FrameBuilder.Client, Ipv6Address.Read(frame.AsSpan(14 + 8)));

        Ipv6NatRewriter.RewriteDestination(frame, in info, Ipv6FrameBuilder.Vip, 80);
        Assert.Equal(original, frame);
    }

    [Fact]
    public void FragmentsGetPortsOnlyWhenFirst()
    {
        var first = new Ipv6FrameBuilder().With(Ipv6Extension.Fragment(0, true, 3)).Ipv6(IpProtocol.Udp, FrameBuilder.UdpDatagram(1234, 53, new byte[40])[..24]);
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(first, out var info));
        ushort before = UdpHeader.Checksum(first.AsSpan(info.L4Offset));
        Ipv6NatRewriter.RewriteDestination(first, in info, Real, 5353);
        Assert.Equal(5353, UdpHeader.DestinationPort(first.AsSpan(info.L4Offset)));
        Assert.Equal(Checksum.Update144(before, Ipv6FrameBuilder.Vip, Real, 53, 5353), UdpHeader.Checksum(first.AsSpan(info.L4Offset)));

        var later = new Ipv6FrameBuilder().With(Ipv6Extension.Fragment(1448, false, 3)).Ipv6(IpProtocol.Udp, new byte[24], withChecksum: false);
        var untouched = (byte[])later.Clone();
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(later, out var laterInfo));
        Ipv6NatRewriter.RewriteDestination(later, in laterInfo, Real, 5353);
        Assert.Equal(Real, Ipv6Address.Read(later.AsSpan(14 + 24)));
        Assert.Equal(untouched.AsSpan(laterInfo.L4Offset).ToArray(), later.AsSpan(laterInfo.L4Offset).ToArray());
    }

    [Fact]
    public void PartialChecksumFrameIsCompletedThenRewritten()
    {
        var frame = new Ipv6FrameBuilder().Tcp(40000, 80, TcpFlags.Ack, new byte[500]);
        FrameParser.Parse(frame, out var info);
        TransportChecksum.WritePartial(frame, info);

        TransportChecksum.Complete(frame, info);
        Ipv6NatRewriter.RewriteDestination(frame, in info, Real, 8080);

        FrameParser.Parse(frame, out var after);
        Assert.True(TransportChecksum.Verify(frame, after));
    }

    [Fact]
    public void UdpWithoutChecksumStaysZero()
    {
        var frame = new Ipv6FrameBuilder().Udp(1, 2, "x"u8);
        FrameParser.Parse(frame, out var info);
        UdpHeader.SetChecksum(frame.AsSpan(info.L4Offset), 0);
        Ipv6NatRewriter.RewriteSource(frame, in info, Real, 9);
        Assert.Equal(0, UdpHeader.Checksum(frame.AsSpan(info.L4Offset)));
        Assert.Equal(9, UdpHeader.SourcePort(frame.AsSpan(info.L4Offset)));
    }
}
