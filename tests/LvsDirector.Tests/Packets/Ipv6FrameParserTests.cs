using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class Ipv6FrameParserTests
{
    private static readonly byte[] Payload = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();

    public static TheoryData<string> SampleNames => new(Samples().Select(s => s.Name));

    internal static IEnumerable<(string Name, byte[] Frame)> Samples()
    {
        yield return ("tcp-syn", new Ipv6FrameBuilder().Tcp(40000, 80, TcpFlags.Syn, [], optionsLength: 20));
        yield return ("tcp-payload", new Ipv6FrameBuilder().Tcp(40000, 80, TcpFlags.Psh | TcpFlags.Ack, Payload, optionsLength: 12));
        yield return ("udp", new Ipv6FrameBuilder().Udp(5000, 53, "query"u8));
        yield return ("icmpv6-echo", new Ipv6FrameBuilder().IcmpEcho(0x4242, 7, "abcdefg"u8));
        yield return ("vlan-tcp", new Ipv6FrameBuilder { VlanId = 100 }.Tcp(40000, 443, TcpFlags.Syn, [], optionsLength: 20));
        yield return ("extensions-tcp", new Ipv6FrameBuilder().With(
            Ipv6Extension.HopByHop(), Ipv6Extension.DestinationOptions(16), Ipv6Extension.Routing()).Tcp(1, 2, TcpFlags.Ack, Payload));
        yield return ("atomic-fragment-udp", new Ipv6FrameBuilder().With(Ipv6Extension.Fragment(0, false, 77)).Udp(7, 8, "x"u8));
        yield return ("first-fragment-udp", new Ipv6FrameBuilder().With(Ipv6Extension.Fragment(0, true, 0xDEADBEEF))
            .Ipv6(IpProtocol.Udp, FrameBuilder.UdpDatagram(1234, 53, new byte[40])[..24]));
        yield return ("later-fragment", new Ipv6FrameBuilder().With(Ipv6Extension.DestinationOptions(), Ipv6Extension.Fragment(1448, false, 9))
            .Ipv6(IpProtocol.Tcp, new byte[30], withChecksum: false));
    }

    private static byte[] Sample(string name) => Samples().Single(s => s.Name == name).Frame;

    [Fact]
    public void TcpSynFieldsAreRead()
    {
        var frame = new Ipv6FrameBuilder { HopLimit = 61 }.Tcp(40000, 80, TcpFlags.Syn, [], optionsLength: 20);

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.True(info.IsIpv6);
        Assert.Equal(EtherType.Ipv6, info.EtherType);
        Assert.Equal(14, info.L3Offset);
        Assert.Equal(40, info.IpHeaderLength);
        Assert.Equal(80, info.IpTotalLength);
        Assert.Equal(IpProtocol.Tcp, info.Protocol);
        Assert.Equal(61, info.Ttl);
        Assert.Equal(Ipv6FrameBuilder.Client, info.SourceAddress6);
        Assert.Equal(Ipv6FrameBuilder.Vip, info.DestinationAddress6);
        Assert.Equal(0u, info.SourceAddress);
        Assert.Equal(0u, info.DestinationAddress);
        Assert.False(info.IsFragment);
        Assert.Equal(0, info.FragmentHeaderOffset);
        Assert.True(info.HasTransportHeader);
        Assert.Equal(54, info.L4Offset);
        Assert.Equal(40, info.L4Length);
        Assert.Equal((40000, 80), (info.SourcePort, info.DestinationPort));
        Assert.Equal(TcpFlags.Syn, info.TcpFlags);
        Assert.Equal(40, info.TcpHeaderLength);
        Assert.Equal(94, info.PayloadOffset);
        Assert.Equal(0, info.PayloadLength);
        Assert.Equal(frame.Length, info.IpEnd);
    }

    [Fact]
    public void UdpIcmpv6AndVlanFieldsAreRead()
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Sample("udp"), out var udp));
        Assert.Equal((5000, 53, 5, 62), (udp.SourcePort, udp.DestinationPort, udp.PayloadLength, udp.PayloadOffset));

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Sample("icmpv6-echo"), out var icmp));
        Assert.Equal(IpProtocol.Icmpv6, icmp.Protocol);
        Assert.Equal((128, 0, 7), (icmp.IcmpType, icmp.IcmpCode, icmp.PayloadLength));

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Sample("vlan-tcp"), out var vlan));
        Assert.True(vlan.HasVlanTag);
        Assert.Equal(100, vlan.VlanId);
        Assert.Equal((18, 58, 443), (vlan.L3Offset, vlan.L4Offset, (int)vlan.DestinationPort));
    }

    [Fact]
    public void ExtensionHeadersAreWalked()
    {
        var frame = Sample("extensions-tcp");

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.Equal(IpProtocol.Tcp, info.Protocol);
        Assert.Equal(40 + 8 + 16 + 24, info.IpHeaderLength);
        Assert.Equal(14 + 88, info.L4Offset);
        Assert.Equal(20 + Payload.Length, info.L4Length);
        Assert.Equal(Payload, frame.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
    }

    [Fact]
    public void FragmentsAreReported()
    {
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(Sample("first-fragment-udp"), out var first));
        Assert.True(first.IsIpv6 && first.IsFragment && first.IsFirstFragment && first.HasTransportHeader);
        Assert.Equal(0xDEADBEEFu, first.FragmentId);
        Assert.Equal(14 + 40, first.FragmentHeaderOffset);
        Assert.Equal(48, first.IpHeaderLength);
        Assert.Equal((1234, 53), (first.SourcePort, first.DestinationPort));
        Assert.Equal(IpProtocol.Udp, first.Protocol);

        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(Sample("later-fragment"), out var later));
        Assert.True(later.IsFragment);
        Assert.False(later.IsFirstFragment);
        Assert.False(later.HasTransportHeader);
        Assert.Equal(9u, later.FragmentId);
        Assert.Equal(14 + 48, later.FragmentHeaderOffset);
        Assert.Equal(IpProtocol.Tcp, later.Protocol);
        Assert.Equal(56, later.IpHeaderLength);
        Assert.Equal(30, later.L4Length);
        Assert.Equal(Ipv6FrameBuilder.Vip, later.DestinationAddress6);
    }

    [Fact]
    public void AtomicFragmentIsAWholePacket()
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Sample("atomic-fragment-udp"), out var info));
        Assert.False(info.IsFragment);
        Assert.Equal(77u, info.FragmentId);
        Assert.Equal(54, info.FragmentHeaderOffset);
        Assert.Equal(62, info.L4Offset);
        Assert.True(TransportChecksum.Verify(Sample("atomic-fragment-udp"), info));
    }

    [Fact]
    public void Ipv4FragmentIdIsFilled()
    {
        var frame = new FrameBuilder { Identification = 0xBEEF }.Udp(1, 2, "x"u8);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.Equal(0xBEEFu, info.FragmentId);
        Assert.False(info.IsIpv6);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void EveryTruncatedPrefixIsRejected(string name)
    {
        var frame = Sample(name);
        var full = FrameParser.Parse(frame, out _);
        Assert.True(full is ParseResult.Ok or ParseResult.Fragment, $"{name}: {full}");
        FrameParserTests.AssertPrefixesRejected(frame, name);
    }

    [Fact]
    public void MalformedHeadersAreRejected()
    {
        var udp = Sample("udp");
        var version4 = (byte[])udp.Clone();
        version4[14] = 0x40;
        Assert.Equal(ParseResult.BadIpHeader, FrameParser.Parse(version4, out _));

        var longPayload = (byte[])udp.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(longPayload.AsSpan(18), 14);
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(longPayload, out _));

        var udpShorter = (byte[])udp.Clone();
        BinaryPrimitives.WriteUInt16BigEndian(udpShorter.AsSpan(54 + 4), 12);
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(udpShorter, out _));

        var hopByHopLate = new Ipv6FrameBuilder().With(Ipv6Extension.DestinationOptions(), Ipv6Extension.HopByHop()).Udp(1, 2, "x"u8);
        Assert.Equal(ParseResult.BadIpHeader, FrameParser.Parse(hopByHopLate, out _));

        var tooMany = new Ipv6FrameBuilder();
        for (int i = 0; i < Ipv6Header.MaxExtensionHeaders + 1; i++)
        {
            tooMany.Extensions.Add(Ipv6Extension.DestinationOptions());
        }

        Assert.Equal(ParseResult.BadIpHeader, FrameParser.Parse(tooMany.Udp(1, 2, "x"u8), out _));
        var enough = new Ipv6FrameBuilder();
        for (int i = 0; i < Ipv6Header.MaxExtensionHeaders; i++)
        {
            enough.Extensions.Add(Ipv6Extension.DestinationOptions());
        }

        Assert.Equal(ParseResult.Ok, FrameParser.Parse(enough.Udp(1, 2, "x"u8), out _));

        var twoFragments = new Ipv6FrameBuilder().With(Ipv6Extension.Fragment(0, true, 1), Ipv6Extension.Fragment(0, true, 1)).Udp(1, 2, "x"u8);
        Assert.Equal(ParseResult.BadIpHeader, FrameParser.Parse(twoFragments, out _));

        // A destination options header announcing 16 bytes where only 8 + the UDP header remain in the payload.
        var overrun = new Ipv6FrameBuilder().With(Ipv6Extension.DestinationOptions()).Udp(1, 2, []);
        overrun[14 + 40 + 1] = 5;
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(overrun, out _));
    }

    [Fact]
    public void JumbogramIsRejectedButBigTcpIsAccepted()
    {
        var jumbo = new Ipv6FrameBuilder().With(Ipv6Extension.HopByHop()).Tcp(1, 2, TcpFlags.Ack, new byte[70_000]);
        BinaryPrimitives.WriteUInt16BigEndian(jumbo.AsSpan(18), 0);
        Assert.Equal(ParseResult.BadIpHeader, FrameParser.Parse(jumbo, out _));

        var big = new Ipv6FrameBuilder().Tcp(1, 2, TcpFlags.Ack, new byte[70_000]);
        BinaryPrimitives.WriteUInt16BigEndian(big.AsSpan(18), 0);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(big, out var info));
        Assert.Equal(big.Length - 14, info.IpTotalLength);
        Assert.Equal(70_000, info.PayloadLength);
        Assert.True(TransportChecksum.Verify(big, info));

        // Payload length 0 on a short frame is just an empty packet: no room for TCP.
        var small = new Ipv6FrameBuilder().Tcp(1, 2, TcpFlags.Ack, []);
        BinaryPrimitives.WriteUInt16BigEndian(small.AsSpan(18), 0);
        Assert.Equal(ParseResult.BadLength, FrameParser.Parse(small, out _));
    }

    [Fact]
    public void IcmpFamiliesDoNotMix()
    {
        var icmpv4InV6 = new Ipv6FrameBuilder().Ipv6(IpProtocol.Icmp, FrameBuilder.IcmpMessage(8, 0, 1, 1, "x"u8));
        Assert.Equal(ParseResult.UnsupportedProtocol, FrameParser.Parse(icmpv4InV6, out _));
        var icmpv6InV4 = new FrameBuilder().Ipv4(IpProtocol.Icmpv6, FrameBuilder.IcmpMessage(128, 0, 1, 1, "x"u8));
        Assert.Equal(ParseResult.UnsupportedProtocol, FrameParser.Parse(icmpv6InV4, out _));
        var noNext = new Ipv6FrameBuilder().Ipv6(Ipv6Header.NoNextHeader, []);
        Assert.Equal(ParseResult.UnsupportedProtocol, FrameParser.Parse(noNext, out var info));
        Assert.Equal(0, info.L4Length);
    }

    [Fact]
    public void EthernetPaddingIsIgnored()
    {
        var frame = new Ipv6FrameBuilder { Padding = 9 }.Udp(1, 2, "hi"u8);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.Equal(frame.Length - 9, info.IpEnd);
        Assert.True(TransportChecksum.Verify(frame, info));
    }

    [Fact]
    public void RandomCorruptionNeverThrowsAndOkAlwaysMeansConsistent()
    {
        var random = new Random(8200);
        var samples = Samples().Select(s => s.Frame).ToArray();
        for (int i = 0; i < 200_000; i++)
        {
            var frame = (byte[])samples[random.Next(samples.Length)].Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                frame[random.Next(Math.Min(frame.Length, 110))] = (byte)random.Next(256);
            }

            var span = frame.AsSpan(0, random.Next(frame.Length + 1));
            var result = FrameParser.Parse(span, out var info);
            if (result is ParseResult.Ok or ParseResult.Fragment)
            {
                Assert.InRange(info.IpEnd, info.L4Offset, span.Length);
                Assert.Equal(info.IpEnd, info.L4Offset + info.L4Length);
                if (result == ParseResult.Ok)
                {
                    Assert.True(info.HasTransportHeader);
                    Assert.Equal(info.IpEnd, info.PayloadOffset + info.PayloadLength);
                }
            }
        }
    }
}
