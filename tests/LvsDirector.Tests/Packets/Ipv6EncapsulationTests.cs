using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class Ipv6EncapsulationTests
{
    private static readonly UInt128 Director = Ipv6Address.Parse("2001:db8:0:2::1");
    private static readonly UInt128 Real = Ipv6Address.Parse("2001:db8:0:2::10");

    [Fact]
    public void InnerIpv6PacketIsWrappedUntouched()
    {
        var frame = new Ipv6FrameBuilder { VlanId = 5, TrafficClass = 0xB8, HopLimit = 17 }.Tcp(40000, 80, TcpFlags.Syn, [], optionsLength: 20);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        var output = new byte[200];

        Assert.Equal(0, Ipv6Encapsulation.Encapsulate(frame, info, output.AsSpan(0, frame.Length + 39), Director, Real));
        int length = Ipv6Encapsulation.Encapsulate(frame, info, output, Director, Real);

        Assert.Equal(frame.Length + 40, length);
        var outer = output.AsSpan(18);
        Assert.Equal(frame.AsSpan(0, 18).ToArray(), output.AsSpan(0, 18).ToArray());
        Assert.Equal(6, Ipv6Header.Version(outer));
        Assert.Equal(0xB8, Ipv6Header.TrafficClass(outer));
        Assert.Equal(0u, Ipv6Header.FlowLabel(outer));
        Assert.Equal(IpProtocol.Ipv6Encap, Ipv6Header.NextHeader(outer));
        Assert.Equal(64, Ipv6Header.HopLimit(outer));
        Assert.Equal(info.IpTotalLength, Ipv6Header.PayloadLength(outer));
        Assert.Equal((Director, Real), (Ipv6Header.Source(outer), Ipv6Header.Destination(outer)));
        Assert.Equal(frame.AsSpan(18).ToArray(), output.AsSpan(58, length - 58).ToArray());

        Assert.Equal(ParseResult.UnsupportedProtocol, FrameParser.Parse(output.AsSpan(0, length), out var outerInfo));
        Assert.Equal(IpProtocol.Ipv6Encap, outerInfo.Protocol);
        Assert.Equal(58, outerInfo.L4Offset);
    }

    [Fact]
    public void InnerIpv4PacketGetsNextHeader4AndItsTos()
    {
        var frame = new FrameBuilder { Padding = 4 }.Udp(1, 2, "x"u8);
        frame[15] = 0x28;
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        var output = new byte[200];
        int length = Ipv6Encapsulation.Encapsulate(frame, info, output, Director, Real);

        Assert.Equal(14 + 40 + info.IpTotalLength, length);
        Assert.Equal(EtherType.Ipv6, EthernetHeader.Type(output));
        Assert.Equal(IpProtocol.IpIp, Ipv6Header.NextHeader(output.AsSpan(14)));
        Assert.Equal(0x28, Ipv6Header.TrafficClass(output.AsSpan(14)));
    }
}
