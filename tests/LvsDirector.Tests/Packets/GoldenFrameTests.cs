using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

/// <summary>Frames captured from real tools by Golden/capture-golden.sh (veth between two namespaces, tcpdump).</summary>
public class GoldenFrameTests
{
    public static TheoryData<string> Files => new("arp.hex", "icmp.hex", "tcp.hex", "udp.hex", "vlan.hex", "scapy.hex", "offload.hex");

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryGoldenFrameParsesAndEveryPrefixIsRejected(string file)
    {
        var frames = GoldenFrame.Load(file);
        Assert.NotEmpty(frames);
        foreach (var golden in frames)
        {
            var result = FrameParser.Parse(golden.Bytes, out var info);
            Assert.True(result is ParseResult.Ok or ParseResult.Arp or ParseResult.Fragment, $"{golden}: {result}");
            if (result != ParseResult.Arp)
            {
                Assert.True(Ipv4Header.VerifyChecksum(golden.Bytes.AsSpan(info.L3Offset)), golden.ToString());
            }

            FrameParserTests.AssertPrefixesRejected(golden.Bytes, golden.ToString());
        }
    }

    [Theory]
    [InlineData("arp.hex")]
    [InlineData("icmp.hex")]
    [InlineData("tcp.hex")]
    [InlineData("udp.hex")]
    [InlineData("vlan.hex")]
    [InlineData("scapy.hex")]
    public void ChecksumsOfFramesSentWithoutOffloadVerify(string file)
    {
        foreach (var golden in GoldenFrame.Load(file))
        {
            if (FrameParser.Parse(golden.Bytes, out var info) != ParseResult.Ok)
            {
                continue;
            }

            Assert.True(TransportChecksum.Verify(golden.Bytes, info), golden.ToString());
            int checksumOffset = info.L4Offset + (info.Protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, _ => 2 });
            ushort stored = BinaryPrimitives.ReadUInt16BigEndian(golden.Bytes.AsSpan(checksumOffset));
            if (info.Protocol == IpProtocol.Udp && stored == 0)
            {
                continue; // sent without a checksum (scapy chksum=0)
            }

            Assert.True(ReferenceChecksum.Verifies(golden.Bytes.AsSpan(info.L4Offset, info.L4Length),
                info.Protocol == IpProtocol.Icmp ? 0 : ReferenceChecksum.PseudoHeader(info.SourceAddress, info.DestinationAddress, info.Protocol, info.L4Length)),
                golden.ToString());

            // Checksum.Transport over the real frame reproduces what the sender's stack wrote.
            Assert.Equal(stored, Checksum.Transport(golden.Bytes.AsSpan(info.L3Offset)));
        }
    }

    [Fact]
    public void ArpFramesFromTheKernelAreRead()
    {
        var frames = GoldenFrame.Load("arp.hex");
        var arps = frames.Where(f => FrameParser.Parse(f.Bytes, out _) == ParseResult.Arp).ToList();
        Assert.Equal(2, arps.Count);

        FrameParser.Parse(arps[0].Bytes, out var requestInfo);
        Assert.True(Arp.TryRead(arps[0].Bytes, requestInfo.L3Offset, out var request));
        Assert.True(request.IsRequest);
        Assert.Equal(MacAddress.Parse("02:00:00:00:0a:01"), request.SenderMac);
        Assert.Equal(Ipv4Address.Parse("198.18.10.1"), request.SenderAddress);
        Assert.Equal(Ipv4Address.Parse("198.18.10.2"), request.TargetAddress);

        Assert.True(Arp.TryRead(arps[1].Bytes, 14, out var reply));
        Assert.True(reply.IsReply);
        Assert.Equal(MacAddress.Parse("02:00:00:00:0a:02"), reply.SenderMac);
        Assert.Equal(Ipv4Address.Parse("198.18.10.2"), reply.SenderAddress);
        Assert.Equal(MacAddress.Parse("02:00:00:00:0a:01"), reply.TargetMac);

        // Our writer produces the same ARP body as the kernel did (the kernel's frame is unpadded on veth).
        var ours = new byte[60];
        Arp.WriteReply(ours, reply.SenderMac, reply.SenderAddress, reply.TargetMac, reply.TargetAddress);
        Assert.Equal(arps[1].Bytes, ours[..42]);
    }

    [Fact]
    public void KernelTcpHandshakeFieldsAreRead()
    {
        var frames = GoldenFrame.Load("tcp.hex");
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frames[0].Bytes, out var syn));
        Assert.Equal(TcpFlags.Syn, syn.TcpFlags);
        Assert.Equal(8080, syn.DestinationPort);
        Assert.Equal(Ipv4Address.Parse("198.18.10.1"), syn.SourceAddress);
        Assert.Equal(40, syn.TcpHeaderLength); // MSS, SACK-permitted, timestamps, window scale

        var request = frames.Select(f => (f, ok: FrameParser.Parse(f.Bytes, out var i), i))
            .First(x => x.i.PayloadLength > 0 && x.i.DestinationPort == 8080);
        Assert.StartsWith("GET /golden-frame ", System.Text.Encoding.ASCII.GetString(request.f.Bytes, request.i.PayloadOffset, request.i.PayloadLength));
    }

    [Fact]
    public void KernelEchoRequestGetsTheSameReplyTheKernelSent()
    {
        var frames = GoldenFrame.Load("icmp.hex");
        FrameParser.Parse(frames[0].Bytes, out var request);
        FrameParser.Parse(frames[1].Bytes, out var kernelReply);
        Assert.Equal(Icmp.EchoRequestType, request.IcmpType);
        Assert.Equal(Icmp.EchoReplyType, kernelReply.IcmpType);

        var ours = new byte[200];
        int length = Icmp.WriteEchoReply(ours, frames[0].Bytes, request, EthernetHeader.Source(frames[1].Bytes));
        Assert.Equal(frames[1].Bytes.Length, length);
        // Ethernet and the whole ICMP message match the kernel's; the IP header differs only in id/flags/checksum.
        Assert.Equal(frames[1].Bytes[..14], ours[..14]);
        Assert.Equal(frames[1].Bytes[kernelReply.L4Offset..], ours[kernelReply.L4Offset..length]);
        Assert.Equal(frames[1].Bytes.AsSpan(26, 8).ToArray(), ours.AsSpan(26, 8).ToArray());
    }

    [Fact]
    public void ScapyFramesCoverOptionsZeroChecksumAndFragments()
    {
        var parsed = GoldenFrame.Load("scapy.hex").Select(f => (f.Bytes, Result: FrameParser.Parse(f.Bytes, out var info), Info: info)).ToList();

        var withOptions = parsed.First(p => p.Info.Protocol == IpProtocol.Tcp && p.Info.IpHeaderLength > 20);
        Assert.Equal(ParseResult.Ok, withOptions.Result);
        Assert.Equal(40000, withOptions.Info.SourcePort);

        var zero = parsed.First(p => p.Info.Protocol == IpProtocol.Udp && p.Info.SourcePort == 40001);
        Assert.Equal(0, UdpHeader.Checksum(zero.Bytes.AsSpan(zero.Info.L4Offset)));
        var copy = (byte[])zero.Bytes.Clone();
        NatRewriter.RewriteDestination(copy, zero.Info, Ipv4Address.Parse("198.19.0.7"), 5354);
        Assert.Equal(0, UdpHeader.Checksum(copy.AsSpan(zero.Info.L4Offset)));

        var fragments = parsed.Where(p => p.Result == ParseResult.Fragment).ToList();
        Assert.Equal(2, fragments.Count);
        Assert.True(fragments[0].Info.IsFirstFragment);
        Assert.Equal(40003, fragments[0].Info.SourcePort);
        Assert.False(fragments[1].Info.IsFirstFragment);
        Assert.False(fragments[1].Info.HasTransportHeader);
    }

    [Fact]
    public void VlanFramesFromScapyAreParsed()
    {
        var frames = GoldenFrame.Load("vlan.hex");
        foreach (var golden in frames)
        {
            var result = FrameParser.Parse(golden.Bytes, out var info);
            Assert.True(info.HasVlanTag, golden.ToString());
            Assert.Equal(100, info.VlanId);
            Assert.Equal(18, info.L3Offset);
            Assert.True(result is ParseResult.Ok or ParseResult.Arp, golden.ToString());
        }
    }

    [Fact]
    public void OffloadFramesCarryPartialChecksumsThatCompleteFixes()
    {
        var frames = GoldenFrame.Load("offload.hex");
        int partial = 0;
        foreach (var golden in frames)
        {
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(golden.Bytes, out var info));
            var tcp = golden.Bytes.AsSpan(info.L4Offset);
            ushort pseudo = ReferenceChecksum.Fold(ReferenceChecksum.PseudoHeader(info.SourceAddress, info.DestinationAddress, 6, info.L4Length));
            if (TcpHeader.Checksum(tcp) == pseudo)
            {
                partial++;
                Assert.False(TransportChecksum.Verify(golden.Bytes, info), golden.ToString());
            }

            var copy = (byte[])golden.Bytes.Clone();
            Assert.True(TransportChecksum.Complete(copy, info));
            Assert.True(TransportChecksum.Verify(copy, info), golden.ToString());
        }

        Assert.True(partial >= 1, "expected at least one CHECKSUM_PARTIAL frame in offload.hex");
    }

    [Fact]
    public void CapturedTsoSuperFrameIsSegmented()
    {
        var superFrame = GoldenFrame.Load("offload.hex").Single(f => f.Bytes.Length > 1514);
        Assert.True(TcpSegmenterTests.SegmentAndCheck(superFrame.Bytes, 1500) > 1);
    }
}
