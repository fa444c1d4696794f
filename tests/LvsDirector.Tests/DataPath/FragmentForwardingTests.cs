using LvsDirector.Connections;
using LvsDirector.DataPath;
using LvsDirector.Packets;
using LvsDirector.Services;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.DataPath;

/// <summary>
/// Fragmented datagrams through the NAT director: every fragment follows the connection of the first one, later
/// fragments get only their address rewritten, and what arrives reassembles into the datagram with a valid checksum.
/// </summary>
public class FragmentForwardingTests
{
    private static long Counter(NatTestBed bed, string name) => IcmpErrorTranslationTests.Counter(bed, name);

    [Fact]
    public void Udp_datagram_of_4000_bytes_in_order_reaches_one_server_and_reassembles()
    {
        var bed = IcmpErrorTranslationTests.UdpBed();
        var payload = FrameBuilder.RandomPayload(new Random(1), 4000);
        var fragments = FragmentFrames.Split(NatTestBed.Client(ipId: 0x4321).Udp(40000, 53, payload));
        Assert.Equal(3, fragments.Count);

        foreach (var fragment in fragments)
        {
            bed.FromClient(fragment);
        }

        var sent = NatTestBed.DrainSent(bed.ServerLink);
        Assert.Equal(3, sent.Count);
        var server = AssertOneServer(sent);
        var (whole, info) = FragmentFrames.Reassemble(sent);
        Assert.Equal(NatTestBed.ClientAddress, info.SourceAddress);
        Assert.Equal(NatTestBed.ServerAddresses[server], info.DestinationAddress);
        Assert.Equal((40000, 5353), (info.SourcePort, info.DestinationPort));
        Assert.Equal(payload, whole.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
        Assert.True(TransportChecksum.Verify(whole, info), "UDP checksum of the reassembled datagram");
        Assert.Equal(1, Counter(bed, "fragments_first"));
        Assert.Equal(2, Counter(bed, "fragments_forwarded"));
        // Every byte was seen: the cache slot is free again without waiting for the timeout.
        Assert.Equal(0, bed.Worker.Fragments.ActiveCount(bed.Worker.NowMs));
    }

    [Fact]
    public void Fragments_before_their_first_are_held_and_follow_it_to_its_server()
    {
        var bed = IcmpErrorTranslationTests.UdpBed();
        var payloadA = FrameBuilder.RandomPayload(new Random(2), 4000);
        var payloadB = FrameBuilder.RandomPayload(new Random(3), 4000);
        var a = FragmentFrames.Split(NatTestBed.Client(ipId: 100).Udp(40010, 53, payloadA));
        var b = FragmentFrames.Split(NatTestBed.Client(ipId: 101).Udp(40011, 53, payloadB));

        // Interleaved and reversed: last fragments first, then the firsts.
        foreach (var fragment in new[] { a[2], b[2], a[1], b[1] })
        {
            bed.FromClient(fragment);
        }

        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(4, bed.Worker.Fragments.HeldCount);
        bed.FromClient(b[0]);
        var sentB = NatTestBed.DrainSent(bed.ServerLink);
        bed.FromClient(a[0]);
        var sentA = NatTestBed.DrainSent(bed.ServerLink);

        Assert.Equal(3, sentA.Count);
        Assert.Equal(3, sentB.Count);
        Assert.NotEqual(AssertOneServer(sentA), AssertOneServer(sentB)); // rr: two connections, two servers
        foreach (var (sent, payload) in new[] { (sentA, payloadA), (sentB, payloadB) })
        {
            var (whole, info) = FragmentFrames.Reassemble(sent);
            Assert.Equal(payload, whole.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
            Assert.True(TransportChecksum.Verify(whole, info));
        }

        Assert.Equal(0, bed.Worker.Fragments.HeldCount);
        Assert.Equal(4, Counter(bed, "fragments_held"));
        Assert.Equal(4, Counter(bed, "fragments_forwarded"));
    }

    [Fact]
    public void Fragmented_reply_from_the_real_server_reaches_the_client_from_the_vip()
    {
        var bed = IcmpErrorTranslationTests.UdpBed();
        var (_, _, server) = bed.Forward(NatTestBed.Client().Udp(40020, 53, "question"u8));
        var answer = FrameBuilder.RandomPayload(new Random(4), 4000);
        var reply = FragmentFrames.Split(NatTestBed.Server(server).Udp(5353, 40020, answer));

        // Middle fragment first, to use the hold path in this direction too.
        bed.FromServer(reply[1]);
        bed.FromServer(reply[0]);
        bed.FromServer(reply[2]);

        var sent = NatTestBed.DrainSent(bed.ClientLink);
        Assert.Equal(3, sent.Count);
        Assert.All(sent, f => Assert.Equal(NatTestBed.ClientMac, EthernetHeader.Destination(f)));
        var (whole, info) = FragmentFrames.Reassemble(sent);
        Assert.Equal(NatTestBed.Vip, info.SourceAddress);
        Assert.Equal((53, 40020), (info.SourcePort, info.DestinationPort));
        Assert.Equal(answer, whole.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
        Assert.True(TransportChecksum.Verify(whole, info));
    }

    [Fact]
    public void Tcp_segment_in_fragments_keeps_the_connection_established()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        var (_, _, server) = bed.Forward(NatTestBed.Client().Tcp(43000, 80, TcpFlags.Syn, []));
        bed.FromServer(NatTestBed.Server(server).Tcp(8080, 43000, TcpFlags.Syn | TcpFlags.Ack, []));
        bed.Forward(NatTestBed.Client().Tcp(43000, 80, TcpFlags.Ack, []));
        NatTestBed.DrainSent(bed.ClientLink);
        var index = bed.Connections.FindInbound(IpProtocol.Tcp, NatTestBed.ClientAddress, 43000, NatTestBed.Vip, 80);
        Assert.Equal(TcpConnectionState.Established, bed.Connections[index].State);

        var payload = FrameBuilder.RandomPayload(new Random(5), 3000);
        var builder = NatTestBed.Client(ipId: 77);
        builder.FlagsAndFragment = 0;
        foreach (var fragment in FragmentFrames.Split(builder.Tcp(43000, 80, TcpFlags.Ack | TcpFlags.Psh, payload)))
        {
            bed.FromClient(fragment);
        }

        var sent = NatTestBed.DrainSent(bed.ServerLink);
        Assert.Equal(server, AssertOneServer(sent));
        var (whole, info) = FragmentFrames.Reassemble(sent);
        Assert.Equal(8080, info.DestinationPort);
        Assert.Equal(payload, whole.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
        Assert.True(TransportChecksum.Verify(whole, info));
        Assert.Equal(TcpConnectionState.Established, bed.Connections[index].State);
    }

    [Fact]
    public void Cache_entries_expire_on_the_workers_clock()
    {
        var bed = IcmpErrorTranslationTests.UdpBed();
        var fragments = FragmentFrames.Split(NatTestBed.Client(ipId: 9).Udp(40030, 53, new byte[4000]));
        bed.Heartbeat(100);
        bed.FromClient(fragments[0]);
        bed.Heartbeat(100 + FragmentTracker.DefaultTimeoutMs - 1);
        bed.FromClient(fragments[1]);
        Assert.Equal(2, NatTestBed.DrainSent(bed.ServerLink).Count);

        bed.Heartbeat(100 + FragmentTracker.DefaultTimeoutMs);
        bed.FromClient(fragments[2]);
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(1, bed.Worker.Fragments.HeldCount);

        // Its first fragment never comes again: the held one is dropped at the next heartbeat after its timeout.
        bed.Heartbeat(100 + (2 * FragmentTracker.DefaultTimeoutMs) + 100);
        Assert.Equal(0, bed.Worker.Fragments.HeldCount);
        Assert.Equal(1, Counter(bed, "drop_fragment_no_first"));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
    }

    [Fact]
    public void Hold_slots_are_bounded_and_overflow_is_counted()
    {
        var bed = IcmpErrorTranslationTests.UdpBed();
        var capacity = bed.Worker.Fragments.HeldCapacity;
        for (var i = 0; i < capacity + 5; i++)
        {
            var fragments = FragmentFrames.Split(NatTestBed.Client(ipId: (ushort)(1000 + i)).Udp(40040, 53, new byte[2000]));
            bed.FromClient(fragments[1]);
        }

        Assert.Equal(capacity, bed.Worker.Fragments.HeldCount);
        Assert.Equal(capacity, Counter(bed, "fragments_held"));
        Assert.Equal(5, Counter(bed, "drop_fragment_held_full"));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
    }

    [Fact]
    public void Fragments_of_a_dropped_first_fragment_and_of_icmp_are_dropped_and_counted()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        var builder = NatTestBed.Client(ipId: 5);
        builder.FlagsAndFragment = 0;
        var notSyn = FragmentFrames.Split(builder.Tcp(44000, 80, TcpFlags.Ack, new byte[3000]));
        foreach (var fragment in notSyn)
        {
            bed.FromClient(fragment);
        }

        var ping = FragmentFrames.Split(NatTestBed.Client(ipId: 6).IcmpEcho(1, 1, new byte[3000]));
        foreach (var fragment in ping)
        {
            bed.FromClient(fragment);
        }

        Assert.DoesNotContain(NatTestBed.DrainSent(bed.ServerLink), f => EthernetHeader.Type(f) == EtherType.Ipv4);
        Assert.Empty(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Equal(1, Counter(bed, "drop_tcp_not_syn"));
        Assert.Equal(2, Counter(bed, "drop_fragment_no_connection"));
        Assert.Equal(ping.Count, Counter(bed, "drop_fragment"));
    }

    [Fact]
    public void Fragment_held_for_arp_is_sent_once_the_server_resolves()
    {
        var bed = new NatTestBed(weights: [1]);
        bed.AddService(new VirtualServiceSpec(NatTestBed.UdpKey, "rr"), 5353);
        var fragments = FragmentFrames.Split(NatTestBed.Client(ipId: 0x5151).Udp(40002, 53, FrameBuilder.RandomPayload(new Random(3), 2000)));
        Assert.Equal(2, fragments.Count);
        foreach (var fragment in fragments)
        {
            bed.FromClient(fragment);
        }

        // One frame per unresolved neighbour is held, as the kernel's neighbour queue would: the last one.
        Assert.DoesNotContain(NatTestBed.DrainSent(bed.ServerLink), f => EthernetHeader.Type(f) == EtherType.Ipv4);
        bed.Heartbeat(0);
        var reply = new byte[60];
        Arp.WriteReply(reply, NatTestBed.ServerMac(0), NatTestBed.ServerAddresses[0], NatTestBed.ServerLinkMac, 0xC613_0001);
        bed.FromServer(reply);

        var sent = Assert.Single(NatTestBed.DrainSent(bed.ServerLink), f => EthernetHeader.Type(f) == EtherType.Ipv4);
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(sent, out var info));
        Assert.Equal(NatTestBed.ServerAddresses[0], info.DestinationAddress);
        Assert.Equal(NatTestBed.ServerMac(0), EthernetHeader.Destination(sent));
    }

    private static int AssertOneServer(List<byte[]> sent)
    {
        var servers = new HashSet<int>();
        foreach (var frame in sent)
        {
            Assert.Equal(ParseResult.Fragment, FrameParser.Parse(frame, out var info));
            servers.Add(Array.IndexOf(NatTestBed.ServerAddresses, info.DestinationAddress));
            Assert.Equal(NatTestBed.ServerMac(servers.First()), EthernetHeader.Destination(frame));
        }

        var server = Assert.Single(servers);
        Assert.True(server >= 0);
        return server;
    }
}
