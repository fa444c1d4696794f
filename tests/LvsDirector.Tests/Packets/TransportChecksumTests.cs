using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class TransportChecksumTests
{
    [Theory]
    [InlineData(IpProtocol.Tcp, 0)]
    [InlineData(IpProtocol.Tcp, 1)]
    [InlineData(IpProtocol.Tcp, 1337)]
    [InlineData(IpProtocol.Udp, 0)]
    [InlineData(IpProtocol.Udp, 77)]
    public void CompleteTurnsAPartialChecksumIntoAFullOne(byte protocol, int payloadLength)
    {
        var payload = FrameBuilder.RandomPayload(new Random(payloadLength), payloadLength);
        var builder = new FrameBuilder { SourceAddress = 0xC6120A01, DestinationAddress = 0xC6120A02 };
        var frame = protocol == IpProtocol.Tcp ? builder.Tcp(40000, 80, TcpFlags.Ack, payload, 12) : builder.Udp(40000, 53, payload);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        var good = (byte[])frame.Clone();

        // What Linux leaves for CHECKSUM_PARTIAL: the folded pseudo-header sum, not complemented.
        int checksumOffset = info.L4Offset + (protocol == IpProtocol.Tcp ? 16 : 6);
        ushort partial = ReferenceChecksum.Fold(ReferenceChecksum.PseudoHeader(info.SourceAddress, info.DestinationAddress, protocol, info.L4Length));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(checksumOffset), partial);
        Assert.False(TransportChecksum.Verify(frame, info));

        Assert.True(TransportChecksum.Complete(frame, info));

        Assert.True(TransportChecksum.Verify(frame, info));
        Assert.Equal(good, frame);
    }

    [Fact]
    public void WritePartialMatchesTheKernelConvention()
    {
        var frame = new FrameBuilder().Tcp(1, 2, TcpFlags.Syn, []);
        FrameParser.Parse(frame, out var info);
        Assert.True(TransportChecksum.WritePartial(frame, info));
        ushort expected = ReferenceChecksum.Fold(ReferenceChecksum.PseudoHeader(info.SourceAddress, info.DestinationAddress, 6, info.L4Length));
        Assert.Equal(expected, TcpHeader.Checksum(frame.AsSpan(info.L4Offset)));
    }

    [Fact]
    public void IncrementalUpdateOnAPartialChecksumIsWrongUnlessCompletedFirst()
    {
        // The trap from the design notes: rewrite first and the partial sum turns into garbage; complete first and all is well.
        var frame = new FrameBuilder().Tcp(40000, 80, TcpFlags.Ack, "payload"u8);
        FrameParser.Parse(frame, out var info);
        TransportChecksum.WritePartial(frame, info);
        var completedFirst = (byte[])frame.Clone();

        NatRewriter.RewriteDestination(frame, info, 0xC6130001, 8080);
        FrameParser.Parse(frame, out var after);
        Assert.False(TransportChecksum.Verify(frame, after));

        Assert.True(TransportChecksum.Complete(completedFirst, info));
        NatRewriter.RewriteDestination(completedFirst, info, 0xC6130001, 8080);
        Assert.True(TransportChecksum.Verify(completedFirst, after));
    }

    [Fact]
    public void VerifyDetectsCorruptionAndAcceptsAbsentUdpChecksum()
    {
        var frame = new FrameBuilder().Udp(1, 2, "data"u8);
        FrameParser.Parse(frame, out var info);
        Assert.True(TransportChecksum.Verify(frame, info));
        frame[^1] ^= 0x40;
        Assert.False(TransportChecksum.Verify(frame, info));

        var withoutChecksum = new FrameBuilder().Udp(1, 2, "data"u8, withoutChecksum: true);
        FrameParser.Parse(withoutChecksum, out var uncheckedInfo);
        Assert.True(TransportChecksum.Verify(withoutChecksum, uncheckedInfo));
    }

    [Fact]
    public void FragmentsAndUnknownProtocolsAreLeftAlone()
    {
        var fragment = new FrameBuilder { FlagsAndFragment = Ipv4Header.MoreFragments }.Udp(1, 2, new byte[16]);
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(fragment, out var info));
        Assert.False(TransportChecksum.Complete(fragment, info));
        Assert.False(TransportChecksum.Verify(fragment, info));

        var gre = new FrameBuilder().Ipv4(47, new byte[8]);
        FrameParser.Parse(gre, out var greInfo);
        Assert.False(TransportChecksum.Complete(gre, greInfo));
    }
}
