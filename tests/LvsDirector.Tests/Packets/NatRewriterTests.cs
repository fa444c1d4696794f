using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class NatRewriterTests
{
    private static byte[] RandomFrame(Random random, byte protocol)
    {
        var builder = new FrameBuilder
        {
            SourceAddress = (uint)random.NextInt64(),
            DestinationAddress = (uint)random.NextInt64(),
            Identification = (ushort)random.Next(65536),
            Ttl = (byte)random.Next(1, 256),
            IpOptionsLength = random.Next(4) == 0 ? 4 * random.Next(1, 4) : 0,
            VlanId = random.Next(4) == 0 ? (ushort)random.Next(1, 4095) : null,
            Padding = random.Next(3) == 0 ? random.Next(1, 20) : 0,
        };
        var payload = FrameBuilder.RandomPayload(random, random.Next(0, 1400)); // odd and even lengths
        var sourcePort = (ushort)random.Next(65536);
        var destinationPort = (ushort)random.Next(65536);
        return protocol switch
        {
            IpProtocol.Tcp => builder.Tcp(sourcePort, destinationPort, (byte)random.Next(256), payload, 4 * random.Next(11), (uint)random.NextInt64()),
            IpProtocol.Udp => builder.Udp(sourcePort, destinationPort, payload),
            _ => builder.IcmpEcho(sourcePort, destinationPort, payload),
        };
    }

    private static void AssertChecksumsAsIfRecomputed(byte[] frame)
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        var ip = frame.AsSpan(info.L3Offset, info.IpHeaderLength);
        Assert.True(ReferenceChecksum.Equivalent(Checksum.Ipv4Header(ip), Ipv4Header.HeaderChecksum(ip)));
        Assert.True(Ipv4Header.VerifyChecksum(ip));
        Assert.True(TransportChecksum.Verify(frame, info));
        int checksumOffset = info.Protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, _ => 2 };
        ushort stored = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(info.L4Offset + checksumOffset));
        Assert.True(ReferenceChecksum.Equivalent(Checksum.Transport(frame.AsSpan(info.L3Offset)), stored), $"stored {stored:x4}");

        // And independently of the production checksum code.
        long pseudo = info.Protocol == IpProtocol.Icmp
            ? 0
            : ReferenceChecksum.PseudoHeader(info.SourceAddress, info.DestinationAddress, info.Protocol, info.L4Length);
        Assert.True(ReferenceChecksum.Verifies(frame.AsSpan(info.L4Offset, info.L4Length), pseudo));
        Assert.True(ReferenceChecksum.Verifies(ip));
    }

    [Theory]
    [InlineData(IpProtocol.Tcp)]
    [InlineData(IpProtocol.Udp)]
    [InlineData(IpProtocol.Icmp)]
    public void RandomRewritesKeepChecksumsEqualToFullRecomputation(byte protocol)
    {
        var random = new Random(1624 + protocol);
        for (int i = 0; i < 3000; i++)
        {
            var frame = RandomFrame(random, protocol);
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
            uint newAddress = (uint)random.NextInt64();
            ushort newPort = (ushort)random.Next(65536);
            bool destination = random.Next(2) == 0;
            if (destination)
            {
                NatRewriter.RewriteDestination(frame, info, newAddress, newPort);
            }
            else
            {
                NatRewriter.RewriteSource(frame, info, newAddress, newPort);
            }

            Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var after));
            Assert.Equal(newAddress, destination ? after.DestinationAddress : after.SourceAddress);
            Assert.Equal(destination ? info.SourceAddress : info.DestinationAddress, destination ? after.SourceAddress : after.DestinationAddress);
            if (protocol == IpProtocol.Icmp)
            {
                // The echo identifier is not a port; only the address changes.
                Assert.Equal(info.SourcePort, after.SourcePort);
                Assert.Equal(
                    Icmp.Identifier(frame.AsSpan(info.L4Offset)),
                    Icmp.Identifier(frame.AsSpan(after.L4Offset)));
            }
            else
            {
                Assert.Equal(newPort, destination ? after.DestinationPort : after.SourcePort);
                Assert.Equal(destination ? info.SourcePort : info.DestinationPort, destination ? after.SourcePort : after.DestinationPort);
            }

            AssertChecksumsAsIfRecomputed(frame);
        }
    }

    [Fact]
    public void RewriteThereAndBackRestoresTheFrame()
    {
        var random = new Random(99);
        for (int i = 0; i < 500; i++)
        {
            var original = RandomFrame(random, i % 2 == 0 ? IpProtocol.Tcp : IpProtocol.Udp);
            var frame = (byte[])original.Clone();
            FrameParser.Parse(frame, out var info);
            NatRewriter.RewriteDestination(frame, info, 0xC6130005, 8080);
            FrameParser.Parse(frame, out var rewritten);
            NatRewriter.RewriteDestination(frame, rewritten, info.DestinationAddress, info.DestinationPort);
            FrameParser.Parse(frame, out var restored);
            Assert.Equal(info, restored);
            AssertChecksumsAsIfRecomputed(frame);
        }
    }

    [Fact]
    public void UdpWithoutChecksumStaysWithoutChecksum()
    {
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            var frame = new FrameBuilder { SourceAddress = (uint)random.NextInt64() }.Udp(1000, 53, FrameBuilder.RandomPayload(random, random.Next(30)), withoutChecksum: true);
            FrameParser.Parse(frame, out var info);
            NatRewriter.RewriteDestination(frame, info, (uint)random.NextInt64(), (ushort)random.Next(65536));
            NatRewriter.RewriteSource(frame, info, (uint)random.NextInt64(), (ushort)random.Next(65536));

            Assert.Equal(0, UdpHeader.Checksum(frame.AsSpan(info.L4Offset)));
            Assert.True(Ipv4Header.VerifyChecksum(frame.AsSpan(info.L3Offset)));
            Assert.True(TransportChecksum.Verify(frame, info));
        }
    }

    [Fact]
    public void UdpChecksumThatComesOutZeroIsWrittenAsAllOnes()
    {
        var random = new Random(11);
        for (int i = 0; i < 100; i++)
        {
            var frame = new FrameBuilder { SourceAddress = (uint)random.NextInt64() }.Udp(1000, 53, FrameBuilder.RandomPayload(random, random.Next(1, 50)));
            FrameParser.Parse(frame, out var info);
            var probe = (byte[])frame.Clone();
            NatRewriter.RewriteDestination(probe, info, 0xC6120063, 0);
            ushort atPortZero = UdpHeader.Checksum(probe.AsSpan(info.L4Offset));
            if (atPortZero == 0xFFFF)
            {
                continue;
            }

            // The checksum is ~(S + port); with port = ~S (= the checksum at port 0) the true result is zero.
            NatRewriter.RewriteDestination(frame, info, 0xC6120063, atPortZero);

            Assert.Equal(0xFFFF, UdpHeader.Checksum(frame.AsSpan(info.L4Offset)));
            Assert.Equal(0xFFFF, Checksum.Transport(frame.AsSpan(info.L3Offset)));
            FrameParser.Parse(frame, out var after);
            Assert.True(TransportChecksum.Verify(frame, after));
            return;
        }

        Assert.Fail("no usable frame");
    }

    [Fact]
    public void NonFirstFragmentGetsOnlyTheAddress()
    {
        var frame = new FrameBuilder { FlagsAndFragment = 10 }.Ipv4(IpProtocol.Udp, new byte[16]);
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(frame, out var info));
        var before = (byte[])frame.Clone();

        NatRewriter.RewriteDestination(frame, info, 0xC6120009, 99);

        Assert.Equal(0xC6120009u, Ipv4Header.Destination(frame.AsSpan(14)));
        Assert.True(Ipv4Header.VerifyChecksum(frame.AsSpan(14)));
        Assert.Equal(before.AsSpan(34).ToArray(), frame.AsSpan(34).ToArray());
    }
}
