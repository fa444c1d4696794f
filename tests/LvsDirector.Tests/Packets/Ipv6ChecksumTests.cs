using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class Ipv6ChecksumTests
{
    private static UInt128 RandomAddress(Random random) => new((ulong)random.NextInt64() ^ ((ulong)random.Next() << 40), (ulong)random.NextInt64());

    [Fact]
    public void BuiltFramesVerifyAndCorruptionIsDetected()
    {
        foreach (var (name, frame) in Ipv6FrameParserTests.Samples())
        {
            if (FrameParser.Parse(frame, out var info) != ParseResult.Ok)
            {
                continue;
            }

            Assert.True(TransportChecksum.Verify(frame, info), name);
            var corrupt = (byte[])frame.Clone();
            corrupt[info.L4Offset + 1] ^= 0x40;
            Assert.False(TransportChecksum.Verify(corrupt, info), name);

            // The pseudo-header covers the addresses: a changed source address must break the checksum.
            var moved = (byte[])frame.Clone();
            moved[info.L3Offset + 8 + 15] ^= 1;
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(moved, out var movedInfo));
            Assert.False(TransportChecksum.Verify(moved, movedInfo), name);
        }
    }

    [Fact]
    public void Transport6MatchesTheReferenceOnRandomSegments()
    {
        var random = new Random(2460);
        foreach (byte protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Icmpv6 })
        {
            int checksumOffset = protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, _ => 2 };
            for (int i = 0; i < 2000; i++)
            {
                var segment = FrameBuilder.RandomPayload(random, random.Next(checksumOffset + 2, 1600));
                UInt128 source = RandomAddress(random);
                UInt128 destination = RandomAddress(random);
                ushort value = Checksum.Transport6(segment, checksumOffset, source, destination, protocol);
                BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(checksumOffset), value);
                Assert.True(ReferenceChecksum.Verifies(segment, ReferenceChecksum.PseudoHeader6(source, destination, protocol, segment.Length)));
                if (protocol == IpProtocol.Udp)
                {
                    Assert.NotEqual(0, value);
                }
            }
        }
    }

    [Fact]
    public void UdpZeroChecksumIsInvalidOverIpv6AndNeverProduced()
    {
        var frame = new Ipv6FrameBuilder().Udp(1, 2, "abc"u8);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(info.L4Offset + 6), 0);
        Assert.False(TransportChecksum.Verify(frame, info));

        // Find a payload word that makes the true checksum 0: it must be sent as 0xFFFF.
        var payload = new byte[2];
        var probe = new Ipv6FrameBuilder().Udp(1, 2, payload);
        FrameParser.Parse(probe, out var probeInfo);
        ushort current = BinaryPrimitives.ReadUInt16BigEndian(probe.AsSpan(probeInfo.L4Offset + 6));

        // Adding 'current' to the data (ones'-complement) turns the checksum into 0 (i.e. 0xFFFF complemented).
        BinaryPrimitives.WriteUInt16BigEndian(payload, current);
        var zero = new Ipv6FrameBuilder().Udp(1, 2, payload);
        FrameParser.Parse(zero, out var zeroInfo);
        Assert.Equal(0xFFFF, BinaryPrimitives.ReadUInt16BigEndian(zero.AsSpan(zeroInfo.L4Offset + 6)));
        BinaryPrimitives.WriteUInt16BigEndian(zero.AsSpan(zeroInfo.L4Offset + 6), 0x1234);
        Assert.True(TransportChecksum.Complete(zero, zeroInfo));
        Assert.Equal(0xFFFF, BinaryPrimitives.ReadUInt16BigEndian(zero.AsSpan(zeroInfo.L4Offset + 6)));
        Assert.True(TransportChecksum.Verify(zero, zeroInfo));
    }

    [Fact]
    public void PartialChecksumIsTheFoldedPseudoHeaderAndCompleteFixesIt()
    {
        var frame = new Ipv6FrameBuilder().With(Ipv6Extension.DestinationOptions()).Tcp(40000, 80, TcpFlags.Ack, new byte[333]);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        var original = (byte[])frame.Clone();

        Assert.True(TransportChecksum.WritePartial(frame, info));
        ushort partial = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(info.L4Offset + 16));
        Assert.Equal(ReferenceChecksum.Fold(ReferenceChecksum.PseudoHeader6(info.SourceAddress6, info.DestinationAddress6, IpProtocol.Tcp, info.L4Length)), partial);
        Assert.False(TransportChecksum.Verify(frame, info));

        Assert.True(TransportChecksum.Complete(frame, info));
        Assert.Equal(original, frame);

        var icmp = new Ipv6FrameBuilder().IcmpEcho(1, 1, "x"u8);
        FrameParser.Parse(icmp, out var icmpInfo);
        Assert.False(TransportChecksum.WritePartial(icmp, icmpInfo));
        icmp[icmpInfo.L4Offset + 2] ^= 0xFF;
        Assert.True(TransportChecksum.Complete(icmp, icmpInfo));
        Assert.True(TransportChecksum.Verify(icmp, icmpInfo));
    }

    [Fact]
    public void FragmentsAreNotChecksummed()
    {
        var frame = new Ipv6FrameBuilder().With(Ipv6Extension.Fragment(0, true, 5)).Udp(1, 2, new byte[64]);
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(frame, out var info));
        Assert.False(TransportChecksum.Verify(frame, info));
        Assert.False(TransportChecksum.Complete(frame, info));
    }

    [Fact]
    public void IncrementalAddressUpdateEqualsFullRecomputation()
    {
        var random = new Random(1624);
        for (int i = 0; i < 20_000; i++)
        {
            var segment = FrameBuilder.RandomPayload(random, random.Next(18, 200));
            UInt128 source = RandomAddress(random);
            UInt128 destination = RandomAddress(random);
            UInt128 newDestination = (i % 7) == 0 ? ~destination : RandomAddress(random);
            ushort oldPort = BinaryPrimitives.ReadUInt16BigEndian(segment.AsSpan(2));
            ushort newPort = (ushort)random.Next(65536);
            ushort before = Checksum.Transport6(segment, 16, source, destination, IpProtocol.Tcp);

            ushort addressOnly = Checksum.Update128(before, destination, newDestination);
            Assert.Equal(Checksum.Transport6(segment, 16, source, newDestination, IpProtocol.Tcp), addressOnly);

            ushort both = Checksum.Update144(before, destination, newDestination, oldPort, newPort);
            BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), newPort);
            Assert.True(ReferenceChecksum.Equivalent(Checksum.Transport6(segment, 16, source, newDestination, IpProtocol.Tcp), both));
        }
    }

    [Fact]
    public void Ipv6HeaderWritesAndReadsFields()
    {
        var ip = new byte[40];
        Assert.Equal(0, Ipv6Header.Write(ip.AsSpan(0, 39), 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal(40, Ipv6Header.Write(ip, 0xB8, 0xABCDE, 1234, IpProtocol.Ipv6Encap, 64, Ipv6FrameBuilder.Client, Ipv6FrameBuilder.Vip));
        Assert.Equal(new byte[] { 0x6B, 0x8A, 0xBC, 0xDE, 0x04, 0xD2, 41, 64 }, ip[..8]);
        Assert.Equal(6, Ipv6Header.Version(ip));
        Assert.Equal(0xB8, Ipv6Header.TrafficClass(ip));
        Assert.Equal(0xABCDEu, Ipv6Header.FlowLabel(ip));
        Assert.Equal(1234, Ipv6Header.PayloadLength(ip));
        Assert.Equal(IpProtocol.Ipv6Encap, Ipv6Header.NextHeader(ip));
        Assert.Equal(Ipv6FrameBuilder.Client, Ipv6Header.Source(ip));
        Assert.Equal(Ipv6FrameBuilder.Vip, Ipv6Header.Destination(ip));
        Assert.Equal(Ipv6Address.Parse("2001:db8::1"), Ipv6Address.Read(ip.AsSpan(8)));

        Assert.True(Ipv6Header.DecrementHopLimit(ip));
        Assert.Equal(63, Ipv6Header.HopLimit(ip));
        Ipv6Header.SetHopLimit(ip, 1);
        Assert.False(Ipv6Header.DecrementHopLimit(ip));
        Assert.Equal(1, Ipv6Header.HopLimit(ip));
    }
}
