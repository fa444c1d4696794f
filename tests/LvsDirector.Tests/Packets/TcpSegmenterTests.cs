using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class TcpSegmenterTests
{
    /// <summary>Segments, then checks every output frame and that the payloads concatenate to the original.</summary>
    internal static int SegmentAndCheck(byte[] superFrame, int mtu)
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(superFrame, out var info));
        var originalTcp = superFrame.AsSpan(info.L4Offset);
        var originalIp = superFrame.AsSpan(info.L3Offset);
        int mss = mtu - info.IpHeaderLength - info.TcpHeaderLength;
        var output = new byte[superFrame.Length * 2 + 4096];
        var lengths = new int[256];

        int count = TcpSegmenter.Segment(superFrame, info, mtu, output, lengths);

        Assert.Equal(Math.Max(1, (info.PayloadLength + mss - 1) / mss), count);
        var payload = new List<byte>();
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            var frame = output.AsSpan(offset, lengths[i]);
            offset += lengths[i];
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var segment));
            Assert.True(segment.IpTotalLength <= mtu, $"segment {i} is {segment.IpTotalLength} bytes");
            Assert.Equal(info.L3Offset, segment.L3Offset);
            Assert.Equal(superFrame.AsSpan(0, info.L3Offset).ToArray(), frame[..info.L3Offset].ToArray());
            Assert.Equal((info.SourceAddress, info.DestinationAddress, info.SourcePort, info.DestinationPort),
                (segment.SourceAddress, segment.DestinationAddress, segment.SourcePort, segment.DestinationPort));
            Assert.True(Ipv4Header.VerifyChecksum(frame[segment.L3Offset..]));
            Assert.True(TransportChecksum.Verify(frame, segment));
            Assert.True(ReferenceChecksum.Verifies(
                frame.Slice(segment.L4Offset, segment.L4Length),
                ReferenceChecksum.PseudoHeader(segment.SourceAddress, segment.DestinationAddress, 6, segment.L4Length)));

            var ip = frame[segment.L3Offset..];
            var tcp = frame[segment.L4Offset..];
            Assert.Equal((ushort)(Ipv4Header.Identification(originalIp) + i), Ipv4Header.Identification(ip));
            Assert.Equal(Ipv4Header.FlagsAndFragmentOffset(originalIp), Ipv4Header.FlagsAndFragmentOffset(ip));
            Assert.Equal(unchecked(TcpHeader.SequenceNumber(originalTcp) + (uint)payload.Count), TcpHeader.SequenceNumber(tcp));
            Assert.Equal(TcpHeader.AcknowledgmentNumber(originalTcp), TcpHeader.AcknowledgmentNumber(tcp));
            byte expectedFlags = info.TcpFlags;
            if (i != count - 1)
            {
                expectedFlags &= unchecked((byte)~(TcpFlags.Fin | TcpFlags.Psh));
            }

            if (i != 0)
            {
                expectedFlags &= unchecked((byte)~TcpFlags.Cwr);
            }

            Assert.Equal(expectedFlags, segment.TcpFlags);
            Assert.Equal(
                superFrame.AsSpan(info.L4Offset + 20, info.TcpHeaderLength - 20).ToArray(),
                frame.Slice(segment.L4Offset + 20, segment.TcpHeaderLength - 20).ToArray());
            Assert.True(i == count - 1 || segment.PayloadLength == mss);
            payload.AddRange(frame.Slice(segment.PayloadOffset, segment.PayloadLength).ToArray());
        }

        Assert.Equal(superFrame.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray(), payload.ToArray());
        return count;
    }

    [Theory]
    [InlineData(1500, false, 0, 12, 10_000)]
    [InlineData(1500, true, 8, 12, 20_001)]
    [InlineData(9000, false, 0, 0, 65_000)]
    [InlineData(576, true, 40, 40, 3_333)]
    [InlineData(1500, false, 0, 12, 1448)]
    [InlineData(1500, false, 0, 12, 1449)]
    public void SuperFrameIsSplitIntoValidSegments(int mtu, bool vlan, int ipOptions, int tcpOptions, int payloadLength)
    {
        var random = new Random(payloadLength);
        var builder = new FrameBuilder { VlanId = vlan ? (ushort)5 : null, IpOptionsLength = ipOptions, Identification = 0xFFFE };
        var superFrame = builder.Tcp(
            40000, 80, TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin | TcpFlags.Cwr, FrameBuilder.RandomPayload(random, payloadLength),
            tcpOptions, sequence: 0xFFFF_F000, ack: 77);

        SegmentAndCheck(superFrame, mtu);
    }

    [Fact]
    public void SuperFrameWithPartialChecksumComesOutComplete()
    {
        var superFrame = new FrameBuilder().Tcp(1, 2, TcpFlags.Ack, FrameBuilder.RandomPayload(new Random(1), 8000), 12);
        FrameParser.Parse(superFrame, out var info);
        TransportChecksum.WritePartial(superFrame, info);
        Assert.Equal(6, SegmentAndCheck(superFrame, 1500));
    }

    [Fact]
    public void BigTcpFrameOver64KiBIsSplit()
    {
        var superFrame = new FrameBuilder().Tcp(1, 2, TcpFlags.Ack, FrameBuilder.RandomPayload(new Random(2), 100_000), 12);
        BinaryPrimitives.WriteUInt16BigEndian(superFrame.AsSpan(16), 0);
        Assert.Equal(70, SegmentAndCheck(superFrame, 1500));
    }

    [Fact]
    public void RefusesWhenOutputOrMtuDoNotFit()
    {
        var superFrame = new FrameBuilder().Tcp(1, 2, TcpFlags.Ack, new byte[5000]);
        FrameParser.Parse(superFrame, out var info);
        var lengths = new int[8];

        Assert.Equal(-1, TcpSegmenter.Segment(superFrame, info, 1500, new byte[5000], lengths));
        Assert.Equal(-1, TcpSegmenter.Segment(superFrame, info, 1500, new byte[10_000], new int[3]));
        Assert.Equal(-1, TcpSegmenter.Segment(superFrame, info, 40, new byte[100_000], lengths));
        Assert.Equal(4, TcpSegmenter.Segment(superFrame, info, 1500, new byte[5000 + (4 * 54)], lengths));

        var udp = new FrameBuilder().Udp(1, 2, new byte[3000]);
        FrameParser.Parse(udp, out var udpInfo);
        Assert.Equal(-1, TcpSegmenter.Segment(udp, udpInfo, 1500, new byte[10_000], lengths));
    }
}
