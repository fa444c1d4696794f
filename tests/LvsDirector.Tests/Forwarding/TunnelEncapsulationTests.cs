using LvsDirector.Forwarding;
using LvsDirector.Packets;
using LvsDirector.Services;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.Forwarding;

public class TunnelEncapsulationTests
{
    private static readonly byte[] Inner = new FrameBuilder { SourceAddress = 0xC612_0002, DestinationAddress = 0xC612_0064, Ttl = 33 }
        .Tcp(1234, 80, TcpFlags.Syn, new byte[10]);

    [Theory]
    [InlineData(TunnelType.Ipip, 20, IpProtocol.IpIp)]
    [InlineData(TunnelType.Gue, 32, IpProtocol.Udp)]
    public void Outer_header_is_valid_and_inner_is_untouched(TunnelType type, int overhead, byte protocol)
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Inner, out var info));
        var output = new byte[2048];
        var length = TunnelEncapsulation.Encapsulate(Inner, in info, output, type, 6080, 0xC613_0001, 0xC614_000B, 77);

        Assert.Equal(Inner.Length + overhead, length);
        var outer = output.AsSpan(14);
        Assert.True(Ipv4Header.VerifyChecksum(outer));
        Assert.Equal(protocol, Ipv4Header.Protocol(outer));
        Assert.Equal(77, Ipv4Header.Identification(outer));
        Assert.Equal(33, Ipv4Header.Ttl(outer));
        Assert.Equal(0xC613_0001u, Ipv4Header.Source(outer));
        Assert.Equal(0xC614_000Bu, Ipv4Header.Destination(outer));
        Assert.True(Inner.AsSpan(14).SequenceEqual(output.AsSpan(14 + overhead, Inner.Length - 14)));

        // The decapsulator finds exactly the original packet again.
        Assert.Equal(DecapsulationResult.Ok, TunnelDecapsulator.TryDecapsulate(output.AsSpan(0, length), 0xC614_000B, 6080, out var offset, out var innerLength));
        Assert.True(Inner.AsSpan(14).SequenceEqual(output.AsSpan(offset, innerLength)));
    }

    [Fact]
    public void Too_small_output_is_refused()
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Inner, out var info));
        Assert.Equal(0, TunnelEncapsulation.Encapsulate(Inner, in info, new byte[Inner.Length + 19], TunnelType.Ipip, 0, 1, 2, 0));
    }

    [Fact]
    public void Flow_source_port_is_stable_per_flow()
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Inner, out var info));
        var a = TunnelEncapsulation.FlowSourcePort(info);
        Assert.Equal(a, TunnelEncapsulation.FlowSourcePort(info));
        info.SourcePort++;
        Assert.InRange(TunnelEncapsulation.FlowSourcePort(info), 32768, 60999);
    }
}
