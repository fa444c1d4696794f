using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class Icmpv6Tests
{
    private static readonly MacAddress DirectorMac = new(0x02_00_00_00_00_99);
    private static readonly UInt128 Client = Ipv6FrameBuilder.Client;
    private static readonly UInt128 Vip = Ipv6FrameBuilder.Vip;
    private static readonly UInt128 Real = Ipv6Address.Parse("2001:db8:0:2::10");

    private static FrameInfo Parse(byte[] frame, ParseResult expected = ParseResult.Ok)
    {
        Assert.Equal(expected, FrameParser.Parse(frame, out var info));
        return info;
    }

    [Fact]
    public void EchoReplyIsBuiltIntoABufferAndInPlace()
    {
        var request = new Ipv6FrameBuilder { VlanId = 7, TrafficClass = 0x20 }.With(Ipv6Extension.DestinationOptions()).IcmpEcho(0x4242, 9, "ping-data"u8);
        var info = Parse(request);

        var reply = new byte[200];
        int length = Icmpv6.WriteEchoReply(reply, request, info, DirectorMac);
        Assert.Equal(18 + 40 + 8 + 9, length);
        reply = reply[..length];
        var replyInfo = Parse(reply);
        Assert.Equal((Vip, Client), (replyInfo.SourceAddress6, replyInfo.DestinationAddress6));
        Assert.Equal(7, replyInfo.VlanId);
        Assert.Equal(Icmpv6.EchoReplyType, replyInfo.IcmpType);
        Assert.Equal(0x20, Ipv6Header.TrafficClass(reply.AsSpan(18)));
        Assert.Equal(new MacAddress(0x02_00_00_00_00_01), EthernetHeader.Destination(reply));
        Assert.Equal(DirectorMac, EthernetHeader.Source(reply));
        Assert.True(TransportChecksum.Verify(reply, replyInfo));
        Assert.Equal(request.AsSpan(info.L4Offset + 4).ToArray(), reply.AsSpan(replyInfo.L4Offset + 4).ToArray());

        Assert.True(Icmpv6.TryTurnIntoEchoReply(request, info, DirectorMac));
        var inPlace = Parse(request);
        Assert.Equal((Vip, Client, (byte)64), (inPlace.SourceAddress6, inPlace.DestinationAddress6, inPlace.Ttl));
        Assert.True(TransportChecksum.Verify(request, inPlace));
        Assert.Equal(reply.AsSpan(replyInfo.L4Offset).ToArray(), request.AsSpan(inPlace.L4Offset).ToArray());
        Assert.False(Icmpv6.TryTurnIntoEchoReply(request, inPlace, DirectorMac)); // now a reply, not a request
        Assert.Equal(0, Icmpv6.WriteEchoReply(new byte[length - 1], reply, replyInfo, DirectorMac));
    }

    [Fact]
    public void PacketTooBigQuotesAsMuchAsFitsIn1280Bytes()
    {
        var offending = new Ipv6FrameBuilder().Tcp(40000, 80, TcpFlags.Ack, new byte[1440]);
        var info = Parse(offending);
        Assert.Equal(1500, info.IpTotalLength);

        var buffer = new byte[2000];
        int length = Icmpv6.WritePacketTooBig(buffer, offending, info, DirectorMac, 1400);
        Assert.Equal(14 + 1280, length);
        var ptb = buffer[..length];
        var ptbInfo = Parse(ptb);
        Assert.Equal((Vip, Client), (ptbInfo.SourceAddress6, ptbInfo.DestinationAddress6));
        Assert.Equal((Icmpv6.PacketTooBigType, (byte)0), (ptbInfo.IcmpType, ptbInfo.IcmpCode));
        Assert.Equal(1400u, Icmpv6.Mtu(ptb.AsSpan(ptbInfo.L4Offset)));
        Assert.True(TransportChecksum.Verify(ptb, ptbInfo));
        Assert.True(ReferenceChecksum.Verifies(ptb.AsSpan(ptbInfo.L4Offset), ReferenceChecksum.PseudoHeader6(Vip, Client, 58, ptbInfo.L4Length)));
        Assert.Equal(offending.AsSpan(14, 1232).ToArray(), ptb.AsSpan(ptbInfo.L4Offset + 8).ToArray());

        Assert.True(Icmpv6.TryReadQuoted(ptb, ptbInfo, out var quoted));
        Assert.True(quoted.HasPorts);
        Assert.Equal((Client, Vip, (ushort)40000, (ushort)80), (quoted.SourceAddress, quoted.DestinationAddress, quoted.SourcePort, quoted.DestinationPort));
        Assert.Equal(IpProtocol.Tcp, quoted.Protocol);

        var small = new Ipv6FrameBuilder().Udp(1, 2, "x"u8);
        var smallInfo = Parse(small);
        int smallLength = Icmpv6.WritePacketTooBig(buffer, small, smallInfo, DirectorMac, 1280);
        Assert.Equal(14 + 40 + 8 + smallInfo.IpTotalLength, smallLength);
        Assert.Equal(0, Icmpv6.WritePacketTooBig(new byte[smallLength - 1], small, smallInfo, DirectorMac, 1280));
    }

    [Fact]
    public void QuotedExtensionHeadersAndFragmentsAreWalked()
    {
        var withExtensions = new Ipv6FrameBuilder().With(Ipv6Extension.HopByHop(), Ipv6Extension.Fragment(0, true, 4)).Udp(5353, 53, new byte[20]);
        var info = Parse(withExtensions, ParseResult.Fragment);
        var buffer = new byte[300];
        int length = Icmpv6.WriteError(buffer, withExtensions, info, DirectorMac, Icmpv6.TimeExceededType, 1, 0);
        var error = buffer[..length];
        Assert.True(Icmpv6.TryReadQuoted(error, Parse(error), out var quoted));
        Assert.Equal(56, quoted.HeaderLength);
        Assert.True(quoted.HasPorts);
        Assert.Equal((ushort)5353, quoted.SourcePort);

        var later = new Ipv6FrameBuilder().With(Ipv6Extension.Fragment(8, false, 4)).Ipv6(IpProtocol.Udp, new byte[16], withChecksum: false);
        length = Icmpv6.WriteError(buffer, later, Parse(later, ParseResult.Fragment), DirectorMac, Icmpv6.TimeExceededType, 1, 0);
        error = buffer[..length];
        Assert.True(Icmpv6.TryReadQuoted(error, Parse(error), out var laterQuote));
        Assert.True(laterQuote.IsLaterFragment);
        Assert.False(laterQuote.HasPorts);

        var echo = new Ipv6FrameBuilder().IcmpEcho(1, 1, new byte[48]);
        Assert.False(Icmpv6.TryReadQuoted(echo, Parse(echo), out _));
    }

    [Fact]
    public void ErrorTowardsClientIsTranslatedToTheVirtualService()
    {
        // The real server side (here the server itself) reports a problem with CIP:40000 -> RIP:8080.
        var offending = new Ipv6FrameBuilder { SourceAddress = Client, DestinationAddress = Real }.Tcp(40000, 8080, TcpFlags.Ack, new byte[100]);
        var buffer = new byte[400];
        int length = Icmpv6.WriteError(buffer, offending, Parse(offending), DirectorMac, Icmpv6.DestinationUnreachableType, 4, 0);
        var error = buffer[..length];
        var info = Parse(error);
        Assert.True(Icmpv6.TryReadQuoted(error, info, out var quoted));

        Icmpv6ErrorRewriter.TranslateTowardsClient(error, info, quoted, Vip, 80);

        var after = Parse(error);
        Assert.Equal((Vip, Client), (after.SourceAddress6, after.DestinationAddress6));
        Assert.True(TransportChecksum.Verify(error, after));
        Assert.True(Icmpv6.TryReadQuoted(error, after, out var translated));
        Assert.Equal((Client, Vip, (ushort)40000, (ushort)80), (translated.SourceAddress, translated.DestinationAddress, translated.SourcePort, translated.DestinationPort));
        var innerTcp = error.AsSpan(translated.L4Offset, translated.L4Available);
        Assert.True(ReferenceChecksum.Verifies(innerTcp, ReferenceChecksum.PseudoHeader6(Client, Vip, IpProtocol.Tcp, innerTcp.Length)));
    }

    [Fact]
    public void ErrorTowardsServerIsTranslatedToTheRealServer()
    {
        // The client side reports a problem with a reply VIP:80 -> CIP:40000 (a UDP one, partly quoted after truncation).
        var offending = new Ipv6FrameBuilder { SourceAddress = Vip, DestinationAddress = Client }.Udp(80, 40000, new byte[64]);
        var buffer = new byte[400];
        int length = Icmpv6.WriteError(buffer, offending, Parse(offending), DirectorMac, Icmpv6.DestinationUnreachableType, 4, 0);
        var error = buffer[..length];
        var info = Parse(error);
        Assert.Equal((Client, Vip), (info.SourceAddress6, info.DestinationAddress6));
        Assert.True(Icmpv6.TryReadQuoted(error, info, out var quoted));

        Icmpv6ErrorRewriter.TranslateTowardsServer(error, info, quoted, Real, 8080);

        var after = Parse(error);
        Assert.Equal((Client, Real), (after.SourceAddress6, after.DestinationAddress6));
        Assert.True(TransportChecksum.Verify(error, after));
        Assert.True(Icmpv6.TryReadQuoted(error, after, out var translated));
        Assert.Equal((Real, Client, (ushort)8080, (ushort)40000), (translated.SourceAddress, translated.DestinationAddress, translated.SourcePort, translated.DestinationPort));
        var innerUdp = error.AsSpan(translated.L4Offset, translated.L4Available);
        Assert.True(ReferenceChecksum.Verifies(innerUdp, ReferenceChecksum.PseudoHeader6(Real, Client, IpProtocol.Udp, innerUdp.Length)));
    }

    [Fact]
    public void ShortQuoteGetsPortsButNoInnerChecksumUpdate()
    {
        var offending = new Ipv6FrameBuilder { SourceAddress = Client, DestinationAddress = Real }.Tcp(40000, 8080, TcpFlags.Syn, []);
        var buffer = new byte[400];
        int length = Icmpv6.WriteError(buffer, offending, Parse(offending), DirectorMac, Icmpv6.DestinationUnreachableType, 1, 0);

        // Cut the quote to the fixed header and 8 bytes of TCP (ports and sequence), fixing the payload length.
        int cut = 14 + 40 + 8 + 40 + 8;
        var error = buffer[..cut];
        BinaryPrimitives.WriteUInt16BigEndian(error.AsSpan(18), (ushort)(cut - 54));
        var info = Parse(error);
        TransportChecksum.Complete(error, info);
        Assert.True(Icmpv6.TryReadQuoted(error, info, out var quoted));
        Assert.Equal(8, quoted.L4Available);

        Icmpv6ErrorRewriter.TranslateTowardsClient(error, info, quoted, Vip, 80);
        var after = Parse(error);
        Assert.True(TransportChecksum.Verify(error, after));
        Assert.Equal(80, TcpHeader.DestinationPort(error.AsSpan(quoted.L4Offset)));
        Assert.True(length > cut);
    }
}
