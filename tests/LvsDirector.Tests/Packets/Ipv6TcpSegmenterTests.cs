using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class Ipv6TcpSegmenterTests
{
    [Theory]
    [InlineData(1500, 0, 9000)]
    [InlineData(1500, 12, 64_000)]
    [InlineData(1280, 0, 1)]
    [InlineData(9000, 0, 200_000)]
    public void SuperFrameIsSplitIntoValidSegments(int mtu, int tcpOptions, int payloadLength)
    {
        var random = new Random(payloadLength);
        var builder = new Ipv6FrameBuilder { VlanId = tcpOptions == 0 ? null : (ushort)9 };
        if (tcpOptions != 0)
        {
            builder.Extensions.Add(Ipv6Extension.DestinationOptions());
        }

        var superFrame = builder.Tcp(40000, 80, (byte)(TcpFlags.Ack | TcpFlags.Psh | TcpFlags.Fin | TcpFlags.Cwr), FrameBuilder.RandomPayload(random, payloadLength),
            optionsLength: tcpOptions, sequence: 0xFFFF_F000);
        if (payloadLength > 65_000)
        {
            BinaryPrimitives.WriteUInt16BigEndian(superFrame.AsSpan(builder.VlanId is null ? 18 : 22), 0); // BIG TCP
        }

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(superFrame, out var info));
        int mss = mtu - info.IpHeaderLength - info.TcpHeaderLength;
        var output = new byte[superFrame.Length * 2 + 4096];
        var lengths = new int[512];

        int count = TcpSegmenter.Segment(superFrame, info, mtu, output, lengths);

        Assert.Equal(Math.Max(1, (payloadLength + mss - 1) / mss), count);
        var payload = new List<byte>();
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            var frame = output.AsSpan(offset, lengths[i]);
            offset += lengths[i];
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var segment));
            Assert.True(segment.IsIpv6);
            Assert.True(segment.IpTotalLength <= mtu);
            Assert.Equal(info.IpHeaderLength, segment.IpHeaderLength);
            Assert.Equal((info.SourceAddress6, info.DestinationAddress6), (segment.SourceAddress6, segment.DestinationAddress6));
            Assert.True(TransportChecksum.Verify(frame, segment));
            Assert.True(ReferenceChecksum.Verifies(
                frame.Slice(segment.L4Offset, segment.L4Length),
                ReferenceChecksum.PseudoHeader6(segment.SourceAddress6, segment.DestinationAddress6, 6, segment.L4Length)));
            Assert.Equal(unchecked(0xFFFF_F000u + (uint)payload.Count), TcpHeader.SequenceNumber(frame[segment.L4Offset..]));
            byte flags = segment.TcpFlags;
            Assert.Equal(i == count - 1, (flags & TcpFlags.Fin) != 0);
            Assert.Equal(i == 0, (flags & TcpFlags.Cwr) != 0);
            Assert.True(i == count - 1 || segment.PayloadLength == mss);
            payload.AddRange(frame.Slice(segment.PayloadOffset, segment.PayloadLength).ToArray());
        }

        Assert.Equal(superFrame.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray(), payload.ToArray());
    }
}
