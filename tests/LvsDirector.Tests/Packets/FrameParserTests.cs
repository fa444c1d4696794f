using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class FrameParserTests
{
    private static readonly byte[] Payload = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();

    public static TheoryData<string> SampleNames => new(Samples().Select(s => s.Name));

    private static IEnumerable<(string Name, byte[] Frame)> Samples()
    {
        var plain = new FrameBuilder();
        yield return ("tcp-syn", plain.Tcp(40000, 80, TcpFlags.Syn, [], optionsLength: 20));
        yield return ("tcp-payload-options", new FrameBuilder { IpOptionsLength = 8 }.Tcp(40000, 80, TcpFlags.Psh | TcpFlags.Ack, Payload, optionsLength: 12));
        yield return ("udp", plain.Udp(5000, 53, "query"u8));
        yield return ("icmp-echo", plain.IcmpEcho(0x4242, 7, "abcdefg"u8));
        yield return ("vlan-tcp", new FrameBuilder { VlanId = 100 }.Tcp(40000, 443, TcpFlags.Syn, [], optionsLength: 20));
        yield return ("vlan-udp", new FrameBuilder { VlanId = 4094 }.Udp(1, 2, "x"u8));
        var arp = new byte[60];
        Arp.WriteRequest(arp, new MacAddress(0x020000000001), 0xC6120001, 0xC6120002);
        yield return ("arp-request", arp);
        var reply = new byte[60];
        Arp.WriteReply(reply, new MacAddress(0x020000000002), 0xC6120002, new MacAddress(0x020000000001), 0xC6120001);
        yield return ("arp-reply", reply);
    }

    private static byte[] Sample(string name) => Samples().Single(s => s.Name == name).Frame;

    [Fact]
    public void TcpSynFieldsAreRead()
    {
        var frame = new FrameBuilder { Ttl = 61 }.Tcp(40000, 80, TcpFlags.Syn, [], optionsLength: 20);

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.Equal(EtherType.Ipv4, info.EtherType);
        Assert.Equal(14, info.L3Offset);
        Assert.Equal(20, info.IpHeaderLength);
        Assert.Equal(60, info.IpTotalLength);
        Assert.Equal(IpProtocol.Tcp, info.Protocol);
        Assert.Equal(61, info.Ttl);
        Assert.Equal(0xC6120001u, info.SourceAddress);
        Assert.Equal(0xC6120002u, info.DestinationAddress);
        Assert.False(info.IsFragment);
        Assert.True(info.HasTransportHeader);
        Assert.Equal(34, info.L4Offset);
        Assert.Equal(40, info.L4Length);
        Assert.Equal(40000, info.SourcePort);
        Assert.Equal(80, info.DestinationPort);
        Assert.Equal(TcpFlags.Syn, info.TcpFlags);
        Assert.Equal(40, info.TcpHeaderLength);
        Assert.Equal(74, info.PayloadOffset);
        Assert.Equal(0, info.PayloadLength);
    }

    [Fact]
    public void IpOptionsTcpOptionsAndPayloadAreLocated()
    {
        var frame = Sample("tcp-payload-options");

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.Equal(28, info.IpHeaderLength);
        Assert.Equal(14 + 28, info.L4Offset);
        Assert.Equal(32, info.TcpHeaderLength);
        Assert.Equal(14 + 28 + 32, info.PayloadOffset);
        Assert.Equal(Payload.Length, info.PayloadLength);
        Assert.Equal(Payload, frame.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
    }

    [Fact]
    public void UdpAndIcmpFieldsAreRead()
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Sample("udp"), out var udp));
        Assert.Equal((5000, 53, 5), (udp.SourcePort, udp.DestinationPort, udp.PayloadLength));
        Assert.Equal(42, udp.PayloadOffset);

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Sample("icmp-echo"), out var icmp));
        Assert.Equal(Icmp.EchoRequestType, icmp.IcmpType);
        Assert.Equal(0, icmp.IcmpCode);
        Assert.Equal(7, icmp.PayloadLength);
        Assert.Equal(0x4242, Icmp.Identifier(Sample("icmp-echo").AsSpan(icmp.L4Offset)));
    }

    [Fact]
    public void VlanTagIsSkipped()
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Sample("vlan-tcp"), out var info));
        Assert.True(info.HasVlanTag);
        Assert.Equal(100, info.VlanId);
        Assert.Equal(EtherType.Ipv4, info.EtherType);
        Assert.Equal(18, info.L3Offset);
        Assert.Equal(443, info.DestinationPort);
    }

    [Fact]
    public void ArpReturnsArpWithL3Offset()
    {
        Assert.Equal(ParseResult.Arp, FrameParser.Parse(Sample("arp-request"), out var info));
        Assert.Equal(14, info.L3Offset);
        Assert.Equal(EtherType.Arp, info.EtherType);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void EveryTruncatedPrefixIsRejected(string name)
    {
        var frame = Sample(name);
        var full = FrameParser.Parse(frame, out _);
        Assert.True(full is ParseResult.Ok or ParseResult.Arp, $"{name}: {full}");
        AssertPrefixesRejected(frame, name);
    }

    /// <summary>Shared with the golden tests: no prefix parses to the same result as the whole frame, unless only padding was cut.</summary>
    internal static void AssertPrefixesRejected(byte[] frame, string name)
    {
        var full = FrameParser.Parse(frame, out var fullInfo);
        int meaningful = full switch
        {
            ParseResult.Arp => fullInfo.L3Offset + Arp.BodyLength,
            ParseResult.Ok or ParseResult.Fragment or ParseResult.UnsupportedProtocol => fullInfo.IpEnd,
            _ => frame.Length,
        };
        for (int length = 0; length < frame.Length; length++)
        {
            var result = FrameParser.Parse(frame.AsSpan(0, length), out var info);
            if (length >= meaningful)
            {
                // Only Ethernet padding was cut: same verdict, same fields.
                Assert.Equal(full, result);
                Assert.Equal(fullInfo, info);
            }
            else
            {
                Assert.True(result != full && result != ParseResult.Ok, $"{name}: prefix of {length}/{frame.Length} bytes gave {result}");
            }
        }
    }

    [Fact]
    public void EthernetPaddingIsIgnored()
    {
        var frame = new FrameBuilder { Padding = 6 }.Udp(1, 2, "hi"u8);

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.Equal(frame.Length - 6, info.IpEnd);
        Assert.Equal(2, info.PayloadLength);
        Assert.True(TransportChecksum.Verify(frame, info));
    }

    [Fact]
    public void FrameShorterThanIpTotalLengthIsBadLength()
    {
        var frame = Sample("tcp-payload-options");
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(frame.AsSpan(0, frame.Length - 1), out _));
    }

    [Fact]
    public void MalformedIpHeadersAreRejected()
    {
        var frame = Sample("udp");

        var version6 = (byte[])frame.Clone();
        version6[14] = 0x65;
        Assert.Equal(ParseResult.BadIpHeader, FrameParser.Parse(version6, out _));

        var shortIhl = (byte[])frame.Clone();
        shortIhl[14] = 0x44;
        Assert.Equal(ParseResult.BadIpHeader, FrameParser.Parse(shortIhl, out _));

        var totalBelowHeader = (byte[])frame.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(totalBelowHeader.AsSpan(16), 19);
        Assert.Equal(ParseResult.BadIpHeader, FrameParser.Parse(totalBelowHeader, out _));

        var longIhl = (byte[])frame.Clone();
        longIhl[14] = 0x4F; // 60-byte header in a 38-byte packet
        Assert.NotEqual(ParseResult.Ok, FrameParser.Parse(longIhl, out _));
    }

    [Fact]
    public void MalformedTransportHeadersAreRejected()
    {
        var tcp = Sample("tcp-syn");
        var smallOffset = (byte[])tcp.Clone();
        smallOffset[34 + 12] = 0x40;
        Assert.Equal(ParseResult.BadTransportHeader, FrameParser.Parse(smallOffset, out _));

        var bigOffset = (byte[])tcp.Clone();
        bigOffset[34 + 12] = 0xF0; // 60 bytes of header in a 40-byte segment
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(bigOffset, out _));

        var udp = Sample("udp");
        var udpLonger = (byte[])udp.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(udpLonger.AsSpan(34 + 4), 14);
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(udpLonger, out _));
        var udpShorter = (byte[])udp.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(udpShorter.AsSpan(34 + 4), 12);
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(udpShorter, out _));

        // ICMP of 4 bytes inside a consistent IP packet.
        var icmp = new FrameBuilder().Ipv4(IpProtocol.Icmp, [8, 0, 0, 0]);
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(icmp, out _));
    }

    [Fact]
    public void FragmentsAreReportedWithIpFields()
    {
        var first = new FrameBuilder { FlagsAndFragment = Ipv4Header.MoreFragments }.Ipv4(
            IpProtocol.Udp, FrameBuilder.UdpDatagram(1234, 53, new byte[40])[..24]);
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(first, out var firstInfo));
        Assert.True(firstInfo.IsFragment);
        Assert.True(firstInfo.IsFirstFragment);
        Assert.True(firstInfo.HasTransportHeader);
        Assert.Equal(1234, firstInfo.SourcePort);
        Assert.Equal(53, firstInfo.DestinationPort);

        var later = new FrameBuilder { FlagsAndFragment = 3 }.Ipv4(IpProtocol.Udp, new byte[24]);
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(later, out var laterInfo));
        Assert.True(laterInfo.IsFragment);
        Assert.False(laterInfo.IsFirstFragment);
        Assert.False(laterInfo.HasTransportHeader);
        Assert.Equal(0xC6120002u, laterInfo.DestinationAddress);
        Assert.Equal(24, laterInfo.L4Length);
    }

    [Fact]
    public void OtherEtherTypesAndProtocolsAreClassified()
    {
        var lldp = new byte[60];
        BinaryPrimitives.WriteUInt16BigEndian(lldp.AsSpan(12), 0x88CC);
        Assert.Equal(ParseResult.NotIpv4, FrameParser.Parse(lldp, out var info));
        Assert.Equal(0x88CC, info.EtherType);

        var qinq = new byte[60];
        BinaryPrimitives.WriteUInt16BigEndian(qinq.AsSpan(12), 0x88A8);
        Assert.Equal(ParseResult.NotIpv4, FrameParser.Parse(qinq, out _));

        var gre = new FrameBuilder().Ipv4(47, new byte[12]);
        Assert.Equal(ParseResult.UnsupportedProtocol, FrameParser.Parse(gre, out var greInfo));
        Assert.Equal(47, greInfo.Protocol);
        Assert.Equal(12, greInfo.L4Length);
        Assert.False(greInfo.HasTransportHeader);
    }

    [Fact]
    public void BigTcpSuperFrameWithZeroTotalLengthUsesFrameLength()
    {
        var frame = new FrameBuilder().Tcp(1, 2, TcpFlags.Ack, new byte[70_000]);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), 0);

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.Equal(frame.Length - 14, info.IpTotalLength);
        Assert.Equal(70_000, info.PayloadLength);
    }

    [Fact]
    public void RandomCorruptionNeverThrowsAndOkAlwaysMeansConsistent()
    {
        var random = new Random(1624);
        var samples = Samples().Select(s => s.Frame).ToArray();
        for (int i = 0; i < 200_000; i++)
        {
            var frame = (byte[])samples[random.Next(samples.Length)].Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                frame[random.Next(Math.Min(frame.Length, 64))] = (byte)random.Next(256);
            }

            var span = frame.AsSpan(0, random.Next(frame.Length + 1));
            if (FrameParser.Parse(span, out var info) == ParseResult.Ok)
            {
                Assert.True(info.HasTransportHeader);
                Assert.InRange(info.IpEnd, info.L4Offset, span.Length);
                Assert.Equal(info.IpEnd, info.PayloadOffset + info.PayloadLength);
                Assert.Equal(info.IpEnd, info.L4Offset + info.L4Length);
            }
        }
    }
}
