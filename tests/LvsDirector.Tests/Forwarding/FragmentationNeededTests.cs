using LvsDirector.Forwarding;
using LvsDirector.Packets;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.Forwarding;

public class FragmentationNeededTests
{
    private static readonly MacAddress Ours = new(0x02_00_00_00_AA_01);

    [Fact]
    public void A_small_packet_is_quoted_whole()
    {
        var frame = new FrameBuilder { SourceAddress = 0xC612_0002, DestinationAddress = 0xC612_0064 }.Tcp(1234, 80, TcpFlags.Ack, new byte[20]);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        var output = new byte[1024];

        var length = FragmentationNeeded.Write(output, frame, in info, Ours, 1380, 9);

        Assert.Equal(14 + 20 + 8 + info.IpTotalLength, length);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(output.AsSpan(0, length), out var answer));
        Assert.Equal(0xC612_0064u, answer.SourceAddress);
        Assert.Equal(0xC612_0002u, answer.DestinationAddress);
        Assert.Equal(Ours, EthernetHeader.Source(output));
        Assert.Equal(EthernetHeader.Source(frame), EthernetHeader.Destination(output));
        Assert.True(Ipv4Header.VerifyChecksum(output.AsSpan(14)));
        var icmp = output.AsSpan(answer.L4Offset, answer.L4Length);
        Assert.Equal(3, icmp[0]);
        Assert.Equal(4, icmp[1]);
        Assert.Equal(0, icmp[4]);
        Assert.Equal(0, icmp[5]);
        Assert.Equal(1380, Icmp.NextHopMtu(icmp));
        Assert.Equal(0xFFFF, Checksum.Fold(Checksum.Add(icmp)));
        Assert.True(frame.AsSpan(14, info.IpTotalLength).SequenceEqual(icmp[8..]));
    }

    [Fact]
    public void A_non_first_fragment_gets_no_answer()
    {
        var frame = new FrameBuilder { FlagsAndFragment = 0x0010 }.Udp(1, 2, new byte[16]);
        FrameParser.Parse(frame, out var info);
        Assert.Equal(0, FragmentationNeeded.Write(new byte[1024], frame, in info, Ours, 1380, 0));
    }
}
