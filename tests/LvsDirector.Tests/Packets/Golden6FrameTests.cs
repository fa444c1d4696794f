using System.Buffers.Binary;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

/// <summary>IPv6 frames captured from real kernels by Golden/capture-golden6.sh (veth between two namespaces, tcpdump).</summary>
public class Golden6FrameTests
{
    public static TheoryData<string> Files => new("nd6.hex", "icmp6.hex", "tcp6.hex");

    private static IEnumerable<GoldenFrame> AllFrames() => new[] { "nd6.hex", "icmp6.hex", "tcp6.hex" }.SelectMany(GoldenFrame.Load);

    [Theory]
    [MemberData(nameof(Files))]
    public void EveryGoldenFrameParsesAndEveryPrefixIsRejected(string file)
    {
        var frames = GoldenFrame.Load(file);
        Assert.NotEmpty(frames);
        foreach (var golden in frames)
        {
            var result = FrameParser.Parse(golden.Bytes, out var info);
            Assert.True(result is ParseResult.Ok or ParseResult.Fragment, $"{golden}: {result}");
            Assert.True(info.IsIpv6, golden.ToString());
            FrameParserTests.AssertPrefixesRejected(golden.Bytes, golden.ToString());
        }
    }

    [Fact]
    public void ChecksumsOfKernelFramesVerifyAndAreReproduced()
    {
        int checkedFrames = 0;
        foreach (var golden in AllFrames())
        {
            if (FrameParser.Parse(golden.Bytes, out var info) != ParseResult.Ok)
            {
                continue;
            }

            Assert.True(TransportChecksum.Verify(golden.Bytes, info), golden.ToString());
            Assert.True(ReferenceChecksum.Verifies(golden.Bytes.AsSpan(info.L4Offset, info.L4Length),
                ReferenceChecksum.PseudoHeader6(info.SourceAddress6, info.DestinationAddress6, info.Protocol, info.L4Length)), golden.ToString());
            int checksumOffset = info.Protocol switch { IpProtocol.Tcp => 16, IpProtocol.Udp => 6, _ => 2 };
            ushort stored = BinaryPrimitives.ReadUInt16BigEndian(golden.Bytes.AsSpan(info.L4Offset + checksumOffset));
            Assert.Equal(stored, Checksum.Transport6(golden.Bytes.AsSpan(info.L4Offset, info.L4Length), checksumOffset, info.SourceAddress6,
                info.DestinationAddress6, info.Protocol));
            checkedFrames++;
        }

        Assert.True(checkedFrames > 30, $"{checkedFrames} frames");
    }

    [Fact]
    public void HopByHopMldReportsAndKernelFragmentsAreUnderstood()
    {
        var frames = AllFrames().Select(g => (Golden: g, Result: FrameParser.Parse(g.Bytes, out var info), Info: info)).ToList();
        var mld = frames.Where(f => f.Result == ParseResult.Ok && f.Info.IcmpType == 143).ToList();
        Assert.NotEmpty(mld);
        Assert.All(mld, f => Assert.Equal(48, f.Info.IpHeaderLength));

        var fragments = frames.Where(f => f.Result == ParseResult.Fragment).ToList();
        Assert.Equal(6, fragments.Count);
        Assert.Equal(2, fragments.Count(f => f.Info.IsFirstFragment && f.Info.HasTransportHeader && f.Info.Protocol == IpProtocol.Icmpv6));
        Assert.All(fragments, f => Assert.Equal(f.Info.L3Offset + 40, f.Info.FragmentHeaderOffset));
        Assert.Equal(2, fragments.Select(f => f.Info.FragmentId).Distinct().Count());
    }

    [Fact]
    public void KernelNeighborDiscoveryIsReadAndOurAnswerMatchesTheKernels()
    {
        var frames = GoldenFrame.Load("nd6.hex").Select(g => (Bytes: g.Bytes, Result: FrameParser.Parse(g.Bytes, out var info), Info: info)).ToList();
        var solicitations = frames.Where(f => f.Result == ParseResult.Ok && f.Info.IcmpType == NeighborDiscovery.NeighborSolicitationType).ToList();
        Assert.True(solicitations.Count >= 3);
        foreach (var frame in solicitations)
        {
            Assert.True(NeighborDiscovery.TryReadSolicitation(frame.Bytes, frame.Info, out _));
        }

        Assert.Contains(solicitations, s => NeighborDiscovery.TryReadSolicitation(s.Bytes, s.Info, out var ns) && ns.IsDuplicateAddressDetection);
        var resolving = solicitations.Single(s => s.Info.SourceAddress6 == Ipv6Address.Parse("2001:db8:6::1"));
        Assert.True(NeighborDiscovery.TryReadSolicitation(resolving.Bytes, resolving.Info, out var solicitation));
        Assert.Equal(Ipv6Address.Parse("2001:db8:6::2"), solicitation.TargetAddress);
        Assert.Equal(MacAddress.Parse("02:00:00:00:6a:01"), solicitation.SourceLinkLayerAddress);

        var kernelAnswer = frames.Single(f => f.Result == ParseResult.Ok && f.Info.IcmpType == NeighborDiscovery.NeighborAdvertisementType);
        Assert.True(NeighborDiscovery.TryReadAdvertisement(kernelAnswer.Bytes, kernelAnswer.Info, out var advertisement));
        Assert.True(advertisement.IsSolicited && advertisement.IsOverride);
        Assert.Equal(MacAddress.Parse("02:00:00:00:6a:02"), advertisement.TargetLinkLayerAddress);

        var ours = new byte[NeighborDiscovery.FrameLength];
        Assert.Equal(kernelAnswer.Bytes.Length, NeighborDiscovery.WriteSolicitedAdvertisement(ours, solicitation, MacAddress.Parse("02:00:00:00:6a:02")));
        Assert.Equal(Convert.ToHexString(kernelAnswer.Bytes), Convert.ToHexString(ours));

        // The kernel's own NS has exactly the shape ours has.
        var ourSolicitation = new byte[NeighborDiscovery.FrameLength];
        NeighborDiscovery.WriteSolicitation(ourSolicitation, solicitation.SourceLinkLayerAddress, solicitation.SourceAddress, solicitation.TargetAddress);
        Assert.Equal(Convert.ToHexString(resolving.Bytes), Convert.ToHexString(ourSolicitation));
    }

    [Fact]
    public void OurEchoReplyCarriesTheSameMessageAsTheKernels()
    {
        var frames = GoldenFrame.Load("icmp6.hex").Select(g => (Bytes: g.Bytes, Result: FrameParser.Parse(g.Bytes, out var info), Info: info)).ToList();
        var request = frames.First(f => f.Result == ParseResult.Ok && f.Info.IcmpType == Icmpv6.EchoRequestType);
        var kernelReply = frames.First(f => f.Result == ParseResult.Ok && f.Info.IcmpType == Icmpv6.EchoReplyType);

        var ours = new byte[request.Bytes.Length];
        int length = Icmpv6.WriteEchoReply(ours, request.Bytes, request.Info, EthernetHeader.Source(kernelReply.Bytes));
        Assert.Equal(kernelReply.Bytes.Length, length);
        Assert.Equal(Convert.ToHexString(kernelReply.Bytes.AsSpan(kernelReply.Info.L4Offset)), Convert.ToHexString(ours.AsSpan(kernelReply.Info.L4Offset)));
        Assert.Equal(kernelReply.Bytes[..14], ours[..14]);
    }
}
