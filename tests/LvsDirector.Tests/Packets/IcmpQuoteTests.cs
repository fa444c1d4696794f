using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class IcmpQuoteTests
{
    private static byte[] ErrorQuoting(byte[] quotedFrame, int quotedBytes)
    {
        FrameParser.Parse(quotedFrame, out var q);
        var quote = quotedFrame.AsSpan(q.L3Offset, Math.Min(quotedBytes, q.IpTotalLength));
        return new FrameBuilder { FlagsAndFragment = 0 }.Ipv4(IpProtocol.Icmp, FrameBuilder.IcmpMessage(3, 3, 0, 0, quote));
    }

    [Fact]
    public void Reads_the_quoted_header_and_ports()
    {
        var udp = new FrameBuilder { SourceAddress = 0xC612_0002, DestinationAddress = 0xC613_000B, IpOptionsLength = 4 }.Udp(40000, 5353, [1, 2, 3]);
        var error = ErrorQuoting(udp, 32);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(error, out var info));

        Assert.True(Icmp.TryReadQuoted(error, info, out var quoted));
        Assert.Equal(info.L4Offset + 8, quoted.L3Offset);
        Assert.Equal(24, quoted.HeaderLength);
        Assert.Equal(IpProtocol.Udp, quoted.Protocol);
        Assert.Equal((0xC612_0002u, 0xC613_000Bu), (quoted.SourceAddress, quoted.DestinationAddress));
        Assert.True(quoted.HasPorts);
        Assert.Equal((40000, 5353), (quoted.SourcePort, quoted.DestinationPort));
        Assert.Equal(8, quoted.L4Available);
        Assert.True(Icmp.IsChecksumValid(error.AsSpan(info.L4Offset, info.L4Length)));
    }

    [Fact]
    public void Rewrites_towards_either_side_with_every_checksum_valid()
    {
        var tcp = new FrameBuilder { SourceAddress = 0xC612_0002, DestinationAddress = 0xC613_000B }.Tcp(40000, 8080, TcpFlags.Ack, [9, 9]);
        var error = ErrorQuoting(tcp, 42);
        FrameParser.Parse(error, out var info);
        Icmp.TryReadQuoted(error, info, out var quoted);

        IcmpErrorRewriter.TranslateTowardsClient(error, info, quoted, 0xC612_0064, 80);

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(error, out var after));
        Assert.Equal(0xC612_0064u, after.SourceAddress);
        Assert.True(Ipv4Header.VerifyChecksum(error.AsSpan(after.L3Offset)));
        Assert.True(ReferenceChecksum.Verifies(error.AsSpan(after.L4Offset, after.L4Length)));
        var expected = new FrameBuilder { SourceAddress = 0xC612_0002, DestinationAddress = 0xC612_0064 }.Tcp(40000, 80, TcpFlags.Ack, [9, 9]);
        Assert.Equal(expected.AsSpan(14, 42).ToArray(), error.AsSpan(quoted.L3Offset, 42).ToArray());

        Icmp.TryReadQuoted(error, after, out quoted);
        IcmpErrorRewriter.TranslateTowardsServer(error, after, quoted, 0xC613_000C, 8081);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(error, out var back));
        Assert.Equal(0xC613_000Cu, back.DestinationAddress);
        Assert.True(Icmp.TryReadQuoted(error, back, out quoted));
        Assert.Equal((0xC613_000Cu, (ushort)8081), (quoted.SourceAddress, quoted.SourcePort));
        Assert.True(ReferenceChecksum.Verifies(error.AsSpan(back.L4Offset, back.L4Length)));
        Assert.True(Ipv4Header.VerifyChecksum(error.AsSpan(quoted.L3Offset)));
    }

    [Fact]
    public void Short_or_bogus_quotes_are_refused_without_throwing()
    {
        var udp = new FrameBuilder().Udp(1, 2, new byte[16]);
        var full = ErrorQuoting(udp, 100);
        for (var cut = 0; cut <= full.Length; cut++)
        {
            var frame = full.AsSpan(0, cut).ToArray();
            var parsed = FrameParser.Parse(frame, out var info);
            var ok = Icmp.TryReadQuoted(frame, info, out var quoted);
            if (ok)
            {
                Assert.Equal(ParseResult.Ok, parsed);
                Assert.True(quoted.L4Offset + quoted.L4Available <= frame.Length);
            }
        }

        var random = new Random(3);
        var buffer = new byte[120];
        for (var i = 0; i < 20_000; i++)
        {
            random.NextBytes(buffer);
            full.AsSpan(0, 14).CopyTo(buffer);
            buffer[14] = 0x45;
            buffer[23] = IpProtocol.Icmp;
            var length = random.Next(14, buffer.Length + 1);
            var frame = buffer.AsSpan(0, length);
            FrameParser.Parse(frame, out var info);
            if (Icmp.TryReadQuoted(frame, info, out var quoted))
            {
                Assert.True(quoted.HeaderLength >= 20);
                Assert.True(quoted.L4Offset + quoted.L4Available <= info.IpEnd);
                Assert.True(!quoted.HasPorts || quoted.L4Available >= 4);
            }
        }

        // Wrong version, IHL beyond the quote, or a TCP frame instead of ICMP.
        var badVersion = (byte[])full.Clone();
        FrameParser.Parse(badVersion, out var bv);
        badVersion[bv.L4Offset + 8] = 0x65;
        Assert.False(Icmp.TryReadQuoted(badVersion, bv, out _));
        var longIhl = ErrorQuoting(udp, 24);
        FrameParser.Parse(longIhl, out var li);
        longIhl[li.L4Offset + 8] = 0x4F;
        Assert.False(Icmp.TryReadQuoted(longIhl, li, out _));
        var tcp = new FrameBuilder().Tcp(1, 2, TcpFlags.Syn, []);
        FrameParser.Parse(tcp, out var ti);
        Assert.False(Icmp.TryReadQuoted(tcp, ti, out _));
    }
}
