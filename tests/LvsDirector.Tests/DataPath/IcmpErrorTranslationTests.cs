using LvsDirector.Packets;
using LvsDirector.Services;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// ICMP errors about NAT connections (IPVS ip_vs_out_icmp / ip_vs_in_icmp): translated so the receiver sees a quote of
/// the very packet it sent, with every checksum valid; anything else is dropped and counted.
/// </summary>
public class IcmpErrorTranslationTests
{
    private static readonly byte[] Payload = "hello through the vip"u8.ToArray();

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    public void Port_unreachable_from_the_real_server_reaches_the_client_in_the_vips_name(int ipOptions)
    {
        var bed = UdpBed();
        var client = NatTestBed.Client();
        client.IpOptionsLength = ipOptions;
        var request = client.Udp(40000, 53, Payload);
        var (forwarded, _, server) = bed.Forward(request);

        bed.FromServer(FragmentFrames.IcmpError(NatTestBed.Server(server), Icmp.DestinationUnreachableType, 3, forwarded));

        var toClient = AssertSentIcmp(bed.ClientLink, NatTestBed.ClientMac, NatTestBed.ClientLinkMac, out var info);
        Assert.Equal(NatTestBed.Vip, info.SourceAddress);
        Assert.Equal(NatTestBed.ClientAddress, info.DestinationAddress);
        Assert.Equal((Icmp.DestinationUnreachableType, (byte)3), (info.IcmpType, info.IcmpCode));
        // The client's kernel matches the quote against its socket: it must be the datagram it sent, byte for byte.
        Assert.Equal(FragmentFrames.IpPacket(request), FragmentFrames.Quote(toClient));
        Assert.Equal(1, Counter(bed, "icmp_errors_translated"));
    }

    [Fact]
    public void Time_exceeded_from_a_router_behind_the_director_quoting_eight_bytes_is_translated()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        var syn = NatTestBed.Client().Tcp(41000, 80, TcpFlags.Syn, []);
        var (forwarded, _, _) = bed.Forward(syn);
        var router = NatTestBed.Server(0);
        router.SourceAddress = 0xC613_00FE; // 198.19.0.254, not a real server

        bed.FromServer(FragmentFrames.IcmpError(router, Icmp.TimeExceededType, 0, forwarded, quotedDataBytes: 8));

        var toClient = AssertSentIcmp(bed.ClientLink, NatTestBed.ClientMac, NatTestBed.ClientLinkMac, out var info);
        // ip_vs_nat_icmp puts the VIP in the outer source whoever sent the error.
        Assert.Equal(NatTestBed.Vip, info.SourceAddress);
        Assert.Equal(FragmentFrames.IpPacket(syn).AsSpan(0, 28).ToArray(), FragmentFrames.Quote(toClient));
    }

    [Fact]
    public void Fragmentation_needed_keeps_its_mtu_and_fixes_the_quoted_tcp_checksum()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        var syn = NatTestBed.Client().Tcp(42000, 80, TcpFlags.Syn, []);
        var (_, _, server) = bed.Forward(syn);
        var data = NatTestBed.Client().Tcp(42000, 80, TcpFlags.Ack | TcpFlags.Psh, new byte[1400]);
        var (forwarded, _, again) = bed.Forward(data);
        Assert.Equal(server, again);

        bed.FromServer(FragmentFrames.IcmpError(NatTestBed.Server(server), Icmp.DestinationUnreachableType, Icmp.FragmentationNeededCode,
            forwarded, quotedDataBytes: 20, rest: 1400));

        var toClient = AssertSentIcmp(bed.ClientLink, NatTestBed.ClientMac, NatTestBed.ClientLinkMac, out _);
        Assert.Equal(1400, FragmentFrames.IcmpRest(toClient));
        // 20 quoted TCP bytes include the checksum: restored to the client's own value.
        Assert.Equal(FragmentFrames.IpPacket(data).AsSpan(0, 40).ToArray(), FragmentFrames.Quote(toClient));
    }

    [Fact]
    public void Port_unreachable_from_the_client_reaches_the_real_server_in_its_own_terms()
    {
        var bed = UdpBed();
        var (_, _, server) = bed.Forward(NatTestBed.Client().Udp(40001, 53, Payload));
        var reply = NatTestBed.Server(server).Udp(5353, 40001, "answer"u8);
        bed.FromServer(reply);
        var toClient = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));

        bed.FromClient(FragmentFrames.IcmpError(NatTestBed.Client(), Icmp.DestinationUnreachableType, 3, toClient));

        var toServer = AssertSentIcmp(bed.ServerLink, NatTestBed.ServerMac(server), NatTestBed.ServerLinkMac, out var info);
        Assert.Equal(NatTestBed.ClientAddress, info.SourceAddress);
        Assert.Equal(NatTestBed.ServerAddresses[server], info.DestinationAddress);
        Assert.Equal(FragmentFrames.IpPacket(reply), FragmentFrames.Quote(toServer));
        Assert.Equal(1, Counter(bed, "icmp_errors_translated"));
    }

    [Fact]
    public void Error_about_an_unknown_flow_is_dropped_and_counted()
    {
        var bed = UdpBed();
        var stranger = NatTestBed.Client().Udp(49999, 53, Payload);
        bed.FromServer(FragmentFrames.IcmpError(NatTestBed.Server(0), Icmp.DestinationUnreachableType, 3, stranger));
        bed.FromClient(FragmentFrames.IcmpError(NatTestBed.Client(), Icmp.DestinationUnreachableType, 3, NatTestBed.Server(0).Udp(53, 49999, Payload)));

        Assert.Empty(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(2, Counter(bed, "drop_icmp_unknown_flow"));
        Assert.Equal(0, Counter(bed, "icmp_errors_translated"));
    }

    [Fact]
    public void Errors_about_icmp_bad_checksums_and_quoted_later_fragments_are_not_translated()
    {
        var bed = UdpBed();
        var (forwarded, _, server) = bed.Forward(NatTestBed.Client().Udp(40002, 53, Payload));

        var aboutEcho = FragmentFrames.IcmpError(NatTestBed.Server(server), Icmp.DestinationUnreachableType, 3,
            NatTestBed.Server(server).IcmpEcho(1, 1, [1, 2, 3]));
        bed.FromServer(aboutEcho);

        var corrupted = FragmentFrames.IcmpError(NatTestBed.Server(server), Icmp.DestinationUnreachableType, 3, forwarded);
        corrupted[^1] ^= 0x55;
        bed.FromServer(corrupted);

        var laterFragment = (byte[])forwarded.Clone();
        Ipv4Header.SetFlagsAndFragmentOffset(laterFragment.AsSpan(14), 3);
        var aboutFragment = new FrameBuilder
        {
            Source = NatTestBed.ServerMac(server),
            Destination = NatTestBed.ServerLinkMac,
            SourceAddress = NatTestBed.ServerAddresses[server],
            DestinationAddress = NatTestBed.ClientAddress,
            FlagsAndFragment = 0,
        }.Ipv4(IpProtocol.Icmp, FrameBuilder.IcmpMessage(3, 3, 0, 0, laterFragment.AsSpan(14, 36)));
        bed.FromServer(aboutFragment);

        var truncatedQuote = FragmentFrames.IcmpError(NatTestBed.Server(server), Icmp.DestinationUnreachableType, 3, forwarded, quotedDataBytes: 2);
        bed.FromServer(truncatedQuote);

        Assert.Empty(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Equal(1, Counter(bed, "drop_icmp_about_icmp"));
        Assert.Equal(1, Counter(bed, "drop_icmp_bad_checksum"));
        Assert.Equal(2, Counter(bed, "drop_icmp_malformed"));
    }

    [Fact]
    public void Echo_requests_are_answered_only_for_the_vip_on_the_client_side_and_counted()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();

        var toDirector = NatTestBed.Client();
        toDirector.DestinationAddress = 0xC612_0001; // the kernel's own address: not lvsd's to answer
        bed.FromClient(toDirector.IcmpEcho(7, 1, [1]));
        var fromServerSide = NatTestBed.Server(0);
        fromServerSide.DestinationAddress = NatTestBed.Vip;
        bed.FromServer(fromServerSide.IcmpEcho(7, 2, [2]));
        Assert.Empty(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(0, Counter(bed, "icmp_echo_replies_sent"));

        bed.FromClient(NatTestBed.Client().IcmpEcho(7, 3, [3]));
        var reply = AssertSentIcmp(bed.ClientLink, NatTestBed.ClientMac, NatTestBed.ClientLinkMac, out var info);
        Assert.Equal(Icmp.EchoReplyType, info.IcmpType);
        Assert.Equal(NatTestBed.Vip, info.SourceAddress);
        Assert.Equal(3, Icmp.SequenceNumber(reply.AsSpan(info.L4Offset)));
        Assert.Equal(1, Counter(bed, "icmp_echo_replies_sent"));
    }

    [Fact]
    public void Truncated_and_mutated_icmp_errors_never_throw_and_never_leave_broken()
    {
        var bed = UdpBed();
        var (forwarded, _, server) = bed.Forward(NatTestBed.Client().Udp(40003, 53, Payload));
        var valid = FragmentFrames.IcmpError(NatTestBed.Server(server), Icmp.DestinationUnreachableType, 3, forwarded);
        var fromClient = FragmentFrames.IcmpError(NatTestBed.Client(), Icmp.DestinationUnreachableType, 3,
            NatTestBed.Server(server).Udp(5353, 40003, Payload));
        var random = new Random(5);
        var receivedBefore = bed.Counters.ReceivedFrames;
        var injected = 0;
        foreach (var original in new[] { valid, fromClient })
        {
            for (var cut = 1; cut <= original.Length; cut++)
            {
                bed.FromServer(original.AsSpan(0, cut).ToArray());
                bed.FromClient(original.AsSpan(0, cut).ToArray());
                injected += 2;
            }

            for (var i = 0; i < 3000; i++)
            {
                var frame = (byte[])original.Clone();
                for (var k = 0; k < 1 + (i % 4); k++)
                {
                    frame[random.Next(14, frame.Length)] = (byte)random.Next(256);
                }

                bed.FromServer(frame);
                injected++;
            }
        }

        var randomFrame = new byte[200];
        for (var i = 0; i < 3000; i++)
        {
            random.NextBytes(randomFrame);
            valid.AsSpan(0, 14).CopyTo(randomFrame);
            randomFrame[14] = 0x45;
            randomFrame[23] = IpProtocol.Icmp;
            bed.FromServer(randomFrame);
            injected++;
        }

        Assert.Equal(injected, bed.Counters.ReceivedFrames - receivedBefore);
        foreach (var sent in NatTestBed.DrainSent(bed.ClientLink).Concat(NatTestBed.DrainSent(bed.ServerLink)))
        {
            // Whatever went out was translated as a whole: its ICMP checksum holds.
            if (FrameParser.Parse(sent, out var info) == ParseResult.Ok && info.Protocol == IpProtocol.Icmp)
            {
                Assert.True(ReferenceChecksum.Verifies(sent.AsSpan(info.L4Offset, info.L4Length)));
            }
        }

        // The untouched frame still works afterwards.
        bed.FromServer(valid);
        AssertSentIcmp(bed.ClientLink, NatTestBed.ClientMac, NatTestBed.ClientLinkMac, out _);
    }

    internal static NatTestBed UdpBed()
    {
        var bed = new NatTestBed();
        bed.AddService(new VirtualServiceSpec(NatTestBed.UdpKey, "rr"), 5353);
        bed.ResolveServers();
        return bed;
    }

    internal static long Counter(NatTestBed bed, string name) => bed.Counters.Snapshot().Single(c => c.Key == name).Value;

    private static byte[] AssertSentIcmp(LvsDirector.Io.InMemoryLink link, MacAddress destination, MacAddress source, out FrameInfo info)
    {
        var sent = Assert.Single(NatTestBed.DrainSent(link));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(sent, out info));
        Assert.Equal(IpProtocol.Icmp, info.Protocol);
        Assert.Equal(destination, EthernetHeader.Destination(sent));
        Assert.Equal(source, EthernetHeader.Source(sent));
        Assert.True(Ipv4Header.VerifyChecksum(sent.AsSpan(info.L3Offset)), "outer IP checksum");
        Assert.True(ReferenceChecksum.Verifies(sent.AsSpan(info.L4Offset, info.L4Length)), "ICMP checksum");
        if (info.IcmpType != Icmp.EchoReplyType)
        {
            var quote = sent.AsSpan(info.L4Offset + 8);
            Assert.True(Ipv4Header.VerifyChecksum(quote), "quoted IP checksum");
        }

        return sent;
    }
}
