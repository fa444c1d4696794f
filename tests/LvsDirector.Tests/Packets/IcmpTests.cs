using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class IcmpTests
{
    private static readonly MacAddress Director = MacAddress.Parse("02:00:00:00:00:aa");

    [Theory]
    [InlineData(false, 0, 56)]
    [InlineData(true, 8, 57)]
    [InlineData(false, 4, 0)]
    public void EchoReplyMirrorsTheRequest(bool vlan, int ipOptions, int payloadLength)
    {
        var payload = FrameBuilder.RandomPayload(new Random(payloadLength), payloadLength);
        var request = new FrameBuilder { VlanId = vlan ? (ushort)7 : null, IpOptionsLength = ipOptions, Padding = 3, Ttl = 9 }
            .IcmpEcho(0xBEEF, 3, payload);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(request, out var info));

        var reply = new byte[2000];
        int length = Icmp.WriteEchoReply(reply, request, info, Director);

        Assert.Equal(info.L3Offset + 20 + 8 + payloadLength, length);
        var frame = reply.AsSpan(0, length);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var r));
        Assert.Equal(EthernetHeader.Source(request), EthernetHeader.Destination(frame));
        Assert.Equal(Director, EthernetHeader.Source(frame));
        Assert.Equal(info.HasVlanTag, r.HasVlanTag);
        Assert.Equal(info.VlanId, r.VlanId);
        Assert.Equal(info.SourceAddress, r.DestinationAddress);
        Assert.Equal(info.DestinationAddress, r.SourceAddress);
        Assert.Equal(20, r.IpHeaderLength);
        Assert.Equal(Icmp.ReplyTtl, r.Ttl);
        Assert.Equal(Icmp.EchoReplyType, r.IcmpType);
        Assert.Equal(0, r.IcmpCode);
        var icmp = frame[r.L4Offset..];
        Assert.Equal(0xBEEF, Icmp.Identifier(icmp));
        Assert.Equal(3, Icmp.SequenceNumber(icmp));
        Assert.Equal(payload, frame.Slice(r.PayloadOffset, r.PayloadLength).ToArray());
        Assert.True(Ipv4Header.VerifyChecksum(frame[r.L3Offset..]));
        Assert.True(ReferenceChecksum.Verifies(frame.Slice(r.L4Offset, r.L4Length)));
        Assert.True(TransportChecksum.Verify(frame, r));
    }

    [Fact]
    public void OnlyEchoRequestsGetReplies()
    {
        var reply = new byte[200];
        var echoReply = new FrameBuilder().IcmpEcho(1, 1, "x"u8, Icmp.EchoReplyType);
        FrameParser.Parse(echoReply, out var info);
        Assert.Equal(0, Icmp.WriteEchoReply(reply, echoReply, info, Director));

        var tcp = new FrameBuilder().Tcp(1, 2, TcpFlags.Syn, []);
        FrameParser.Parse(tcp, out var tcpInfo);
        Assert.Equal(0, Icmp.WriteEchoReply(reply, tcp, tcpInfo, Director));

        var request = new FrameBuilder().IcmpEcho(1, 1, new byte[100]);
        FrameParser.Parse(request, out var requestInfo);
        Assert.Equal(0, Icmp.WriteEchoReply(reply.AsSpan(0, 100), request, requestInfo, Director));
    }
}
