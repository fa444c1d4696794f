using System.Buffers.Binary;
using System.Net;
using LvsDirector.DataPath;
using LvsDirector.Packets;
using LvsDirector.Services;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.DataPath;

/// <summary>The IPv6 paths of the packet worker, packet in and expected packet out over in-memory links.</summary>
public class Ipv6DataPathTests
{
    private static readonly MacAddress AllNodesMac = new(0x3333_0000_0001UL);

    private static List<byte[]> Sent6(LvsDirector.Io.InMemoryLink link) =>
        NatTestBed.DrainSent(link).Where(f => EthernetHeader.Type(f) == EtherType.Ipv6).ToList();

    private static byte[] Solicitation(UInt128 source, UInt128 target, MacAddress sourceMac, MacAddress destinationMac)
    {
        var frame = new byte[NeighborDiscovery.FrameLength];
        Assert.Equal(frame.Length, NeighborDiscovery.WriteSolicitation(frame, sourceMac, source, target));
        EthernetHeader.SetDestination(frame, destinationMac);
        return frame;
    }

    // Reads a solicitation or advertisement the worker sent; the packets6 readers check hop limit 255 and the checksum.
    private static (FrameInfo Info, UInt128 Target, MacAddress LinkLayer) ReadNd(byte[] frame)
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(frame, out var info));
        Assert.True(info.IsIpv6);
        Assert.Equal(IpProtocol.Icmpv6, info.Protocol);
        if (info.IcmpType == NeighborDiscovery.NeighborSolicitationType)
        {
            Assert.True(NeighborDiscovery.TryReadSolicitation(frame, in info, out var ns));
            return (info, ns.TargetAddress, ns.SourceLinkLayerAddress);
        }

        Assert.True(NeighborDiscovery.TryReadAdvertisement(frame, in info, out var na));
        Assert.True(na.HasTargetLinkLayerAddress);
        return (info, na.TargetAddress, na.TargetLinkLayerAddress);
    }

    [Fact]
    public void Neighbor_solicitation_for_a_v6_vip_is_answered_with_a_solicited_advertisement()
    {
        var bed = new NatTestBed6();
        bed.ResolveServers();
        var group = Ipv6Address.SolicitedNodeMulticast(NatTestBed6.Vip);
        bed.FromClient(Solicitation(NatTestBed6.ClientAddress, NatTestBed6.Vip, NatTestBed6.ClientMac, Ipv6Address.MulticastMac(group)));

        var reply = Assert.Single(Sent6(bed.ClientLink));
        var (info, target, mac) = ReadNd(reply);
        Assert.Equal(NeighborDiscovery.NeighborAdvertisementType, info.IcmpType);
        Assert.Equal(NatTestBed6.ClientMac, EthernetHeader.Destination(reply));
        Assert.Equal(NatTestBed6.ClientLinkMac, EthernetHeader.Source(reply));
        Assert.Equal(NatTestBed6.Vip, info.SourceAddress6);
        Assert.Equal(NatTestBed6.ClientAddress, info.DestinationAddress6);
        Assert.Equal(NatTestBed6.Vip, target);
        Assert.Equal(NatTestBed6.ClientLinkMac, mac);
        Assert.Equal(0x60, reply[info.L4Offset + 4]); // solicited + override, not a router
        Assert.Equal(1, bed.Counters.NeighborAdvertisementsSent);
    }

    [Fact]
    public void Solicitations_for_other_addresses_or_on_the_server_side_are_left_to_the_kernel()
    {
        var bed = new NatTestBed6();
        bed.ResolveServers();
        var other = Ipv6Address.Parse("2001:db8:1::1");
        bed.FromClient(Solicitation(NatTestBed6.ClientAddress, other, NatTestBed6.ClientMac, Ipv6Address.MulticastMac(Ipv6Address.SolicitedNodeMulticast(other))));
        bed.FromServer(Solicitation(NatTestBed6.ServerAddresses[0], NatTestBed6.Vip, NatTestBed6.ServerMac(0),
            Ipv6Address.MulticastMac(Ipv6Address.SolicitedNodeMulticast(NatTestBed6.Vip))));

        Assert.Empty(Sent6(bed.ClientLink));
        Assert.Empty(Sent6(bed.ServerLink));
        Assert.Equal(0, bed.Counters.NeighborAdvertisementsSent);
    }

    [Fact]
    public void Solicitation_with_a_wrong_hop_limit_is_dropped()
    {
        var bed = new NatTestBed6();
        bed.ResolveServers();
        var frame = Solicitation(NatTestBed6.ClientAddress, NatTestBed6.Vip, NatTestBed6.ClientMac, NatTestBed6.ClientLinkMac);
        frame[EthernetHeader.Length + 7] = 64;
        bed.FromClient(frame);

        Assert.Empty(Sent6(bed.ClientLink));
        Assert.Equal(1, bed.Counters.Snapshot().Single(c => c.Key == "drop_malformed").Value);
    }

    [Fact]
    public void Announcing_a_v6_vip_sends_unsolicited_advertisements_to_all_nodes()
    {
        var bed = new NatTestBed6();
        for (var t = 0; t < 5; t++)
        {
            bed.Heartbeat(t * 100);
        }

        var adverts = Sent6(bed.ClientLink);
        Assert.Equal(3, adverts.Count);
        foreach (var advert in adverts)
        {
            var (info, target, mac) = ReadNd(advert);
            Assert.Equal(NeighborDiscovery.NeighborAdvertisementType, info.IcmpType);
            Assert.Equal(AllNodesMac, EthernetHeader.Destination(advert));
            Assert.Equal(NeighborDiscovery.AllNodes, info.DestinationAddress6);
            Assert.Equal(NatTestBed6.Vip, target);
            Assert.Equal(NatTestBed6.ClientLinkMac, mac);
            Assert.Equal(0x20, advert[info.L4Offset + 4]); // override only
        }

        Assert.Equal(3, bed.Counters.UnsolicitedAdvertisementsSent);
        Assert.DoesNotContain(Sent6(bed.ServerLink), f => ReadNd(f).Info.IcmpType == NeighborDiscovery.NeighborAdvertisementType);
    }

    [Fact]
    public void Real_servers_are_solicited_and_a_held_frame_leaves_once_advertised()
    {
        var bed = new NatTestBed6();
        bed.Heartbeat(0);
        var solicitations = Sent6(bed.ServerLink);
        Assert.Equal(3, solicitations.Count);
        var targets = new List<UInt128>();
        foreach (var ns in solicitations)
        {
            var (info, target, mac) = ReadNd(ns);
            Assert.Equal(NeighborDiscovery.NeighborSolicitationType, info.IcmpType);
            Assert.Equal(NatTestBed6.ServerLinkAddress, info.SourceAddress6);
            Assert.Equal(Ipv6Address.SolicitedNodeMulticast(target), info.DestinationAddress6);
            Assert.Equal(Ipv6Address.MulticastMac(info.DestinationAddress6), EthernetHeader.Destination(ns));
            Assert.Equal(NatTestBed6.ServerLinkMac, mac);
            targets.Add(target);
        }

        Assert.Equal(NatTestBed6.ServerAddresses.Order(), targets.Order());

        bed.FromClient(NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        Assert.Empty(Sent6(bed.ServerLink));
        Assert.Equal(1, bed.Counters.NeighborHeld);

        var entry = bed.Connections[bed.Connections.FindInbound(IpProtocol.Tcp, NatTestBed6.ClientAddress, 40000, NatTestBed6.Vip, 80)];
        var server = Array.IndexOf(NatTestBed6.ServerAddresses, entry.RealAddress);
        bed.FromServer(NatTestBed6.Advertisement(NatTestBed6.ServerMac(server), NatTestBed6.ServerAddresses[server], NatTestBed6.ServerLinkMac, NatTestBed6.ServerLinkAddress));

        var released = Assert.Single(Sent6(bed.ServerLink));
        Assert.Equal(NatTestBed6.ServerMac(server), EthernetHeader.Destination(released));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(released, out var info6));
        Assert.Equal(NatTestBed6.ServerAddresses[server], info6.DestinationAddress6);
        Assert.True(TransportChecksum.Verify(released, info6));
    }

    [Fact]
    public void Nat_rewrites_both_ways_with_valid_checksums()
    {
        var bed = new NatTestBed6();
        bed.ResolveServers();
        var payload = new byte[200];
        new Random(3).NextBytes(payload);

        var (toServer, info, server) = bed.Forward(NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        Assert.InRange(server, 0, 2);
        Assert.Equal(NatTestBed6.ClientAddress, info.SourceAddress6);
        Assert.Equal(8080, info.DestinationPort);
        Assert.Equal(40000, info.SourcePort);
        Assert.Equal(NatTestBed6.ServerMac(server), EthernetHeader.Destination(toServer));
        Assert.Equal(NatTestBed6.ServerLinkMac, EthernetHeader.Source(toServer));

        bed.FromServer(NatTestBed6.Server(server).Tcp(8080, 40000, TcpFlags.Syn | TcpFlags.Ack, payload));
        var toClient = Assert.Single(Sent6(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(toClient, out var back));
        Assert.Equal(NatTestBed6.Vip, back.SourceAddress6);
        Assert.Equal(80, back.SourcePort);
        Assert.Equal(NatTestBed6.ClientAddress, back.DestinationAddress6);
        Assert.Equal(NatTestBed6.ClientMac, EthernetHeader.Destination(toClient));
        Assert.True(TransportChecksum.Verify(toClient, back));
        Assert.True(payload.AsSpan().SequenceEqual(toClient.AsSpan(back.PayloadOffset, back.PayloadLength)));

        // The rest of the flow sticks to its server; UDP too.
        Assert.Equal(server, bed.Forward(NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Ack, payload)).Server);
        Assert.Equal(1, bed.Connections.Count);
    }

    [Fact]
    public void Nat_spreads_new_flows_over_the_servers_and_counts_unknown_ports()
    {
        var bed = new NatTestBed6();
        bed.ResolveServers();
        var servers = new HashSet<int>();
        for (ushort port = 1000; port < 1006; port++)
        {
            servers.Add(bed.Forward(NatTestBed6.Client().Tcp(port, 80, TcpFlags.Syn, [])).Server);
        }

        Assert.Equal(3, servers.Count);

        bed.FromClient(NatTestBed6.Client().Tcp(2000, 81, TcpFlags.Syn, []));
        bed.FromClient(NatTestBed6.Client().Tcp(2001, 80, TcpFlags.Ack, []));
        Assert.Empty(Sent6(bed.ServerLink));
        Assert.Equal(1, bed.Counters.Snapshot().Single(c => c.Key == "drop_no_service").Value);
        Assert.Equal(1, bed.Counters.Snapshot().Single(c => c.Key == "drop_tcp_not_syn").Value);
    }

    [Fact]
    public void Direct_routing_changes_only_the_MACs()
    {
        var bed = new NatTestBed6(ForwardingMethod.DirectRouting);
        bed.ResolveServers();
        var frame = NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, new byte[100]);
        bed.FromClient(frame);

        var sent = Assert.Single(Sent6(bed.ServerLink));
        Assert.True(frame.AsSpan(12).SequenceEqual(sent.AsSpan(12)), "IPv6 header, ports, payload and checksum untouched");
        Assert.Equal(NatTestBed6.ServerLinkMac, EthernetHeader.Source(sent));
        Assert.Contains(EthernetHeader.Destination(sent), new[] { NatTestBed6.ServerMac(0), NatTestBed6.ServerMac(1), NatTestBed6.ServerMac(2) });
        Assert.Equal(1, bed.Counters.DirectRouted);
    }

    [Fact]
    public void Direct_routing_answers_an_oversize_packet_with_packet_too_big()
    {
        var bed = new NatTestBed6(ForwardingMethod.DirectRouting, serverMtu: 1400);
        bed.ResolveServers();
        var frame = NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, new byte[1420]);
        bed.FromClient(frame);

        Assert.Empty(Sent6(bed.ServerLink));
        var ptb = Assert.Single(Sent6(bed.ClientLink));
        AssertPacketTooBig(ptb, frame, 1400);
    }

    private static void AssertPacketTooBig(byte[] ptb, byte[] offending, uint mtu)
    {
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(ptb, out var info));
        Assert.Equal(IpProtocol.Icmpv6, info.Protocol);
        Assert.Equal(2, info.IcmpType);
        Assert.Equal(NatTestBed6.Vip, info.SourceAddress6);
        Assert.Equal(NatTestBed6.ClientAddress, info.DestinationAddress6);
        Assert.Equal(NatTestBed6.ClientMac, EthernetHeader.Destination(ptb));
        Assert.Equal(mtu, BinaryPrimitives.ReadUInt32BigEndian(ptb.AsSpan(info.L4Offset + 4)));
        Assert.True(info.IpTotalLength <= 1280);
        Assert.True(offending.AsSpan(14, info.L4Length - 8).SequenceEqual(ptb.AsSpan(info.L4Offset + 8, info.L4Length - 8)), "quotes the packet");
        Assert.True(TransportChecksum.Verify(ptb, info));
    }

    [Fact]
    public void Tunnel_wraps_the_packet_in_6in6_from_the_egress_address()
    {
        var bed = new NatTestBed6(ForwardingMethod.Tunnel);
        bed.ResolveServers();
        bed.FromClient(NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, new byte[64]));
        var frame = NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Ack, new byte[64]);
        bed.FromClient(frame);

        var sent = Sent6(bed.ServerLink);
        Assert.Equal(2, sent.Count);
        var outer = sent[1];
        Assert.Equal(frame.Length + 40, outer.Length);
        var ip = outer.AsSpan(14);
        Assert.Equal(6, ip[0] >> 4);
        Assert.Equal(IpProtocol.Ipv6Encap, Ipv6Header.NextHeader(ip));
        Assert.Equal(frame.Length - 14, Ipv6Header.PayloadLength(ip));
        Assert.Equal(NatTestBed6.ServerLinkAddress, Ipv6Header.Source(ip));
        var server = Array.IndexOf(NatTestBed6.ServerAddresses, Ipv6Header.Destination(ip));
        Assert.InRange(server, 0, 2);
        Assert.Equal(NatTestBed6.ServerMac(server), EthernetHeader.Destination(outer));
        Assert.True(frame.AsSpan(14).SequenceEqual(outer.AsSpan(54)), "the inner packet is the client's, unchanged");
        Assert.Equal(2, bed.Counters.Tunnelled);
    }

    [Fact]
    public void Tunnel_answers_a_packet_that_no_longer_fits_with_packet_too_big_of_mtu_minus_40()
    {
        var bed = new NatTestBed6(ForwardingMethod.Tunnel);
        bed.ResolveServers();
        var frame = NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, new byte[1500 - 40 - 20 - 10]);
        bed.FromClient(frame);

        Assert.Empty(Sent6(bed.ServerLink));
        AssertPacketTooBig(Assert.Single(Sent6(bed.ClientLink)), frame, 1460);
        Assert.Equal(1, bed.Counters.PacketTooBigSent);
    }

    [Fact]
    public void Echo_request_to_a_v6_vip_is_answered()
    {
        var bed = new NatTestBed6();
        bed.ResolveServers();
        bed.FromClient(NatTestBed6.Client().IcmpEcho(7, 9, [1, 2, 3, 4]));

        var reply = Assert.Single(Sent6(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(reply, out var info));
        Assert.Equal(Icmpv6.EchoReplyType, info.IcmpType);
        Assert.Equal(NatTestBed6.Vip, info.SourceAddress6);
        Assert.Equal(NatTestBed6.ClientAddress, info.DestinationAddress6);
        Assert.Equal(NatTestBed6.ClientMac, EthernetHeader.Destination(reply));
        Assert.Equal(new byte[] { 0, 7, 0, 9, 1, 2, 3, 4 }, reply.AsSpan(info.L4Offset + 4, 8).ToArray());
        Assert.True(TransportChecksum.Verify(reply, info));
        Assert.Equal(1, bed.Counters.EchoRepliesSent);

        // Not for an address that is no VIP, nor on the server side.
        var other = NatTestBed6.Client();
        other.DestinationAddress = Ipv6Address.Parse("2001:db8:1::99");
        bed.FromClient(other.IcmpEcho(7, 10, [1]));
        Assert.Empty(Sent6(bed.ClientLink));
    }

    private static byte[] Icmp6Error(Ipv6FrameBuilder outer, byte type, byte code, byte[] offendingFrame)
    {
        var quote = offendingFrame.AsSpan(14).ToArray();
        var message = new byte[8 + quote.Length];
        message[0] = type;
        message[1] = code;
        quote.CopyTo(message, 8);
        return outer.Ipv6(IpProtocol.Icmpv6, message);
    }

    [Fact]
    public void Icmp6_errors_about_a_nat_connection_are_translated_both_ways()
    {
        var bed = new NatTestBed6(defaultService: false);
        bed.AddService(new VirtualServiceSpec(NatTestBed6.UdpKey, "rr"), 8053);
        bed.ResolveServers();
        var (toServer, _, server) = bed.Forward(NatTestBed6.Client().Udp(40000, 53, [1, 2, 3]));
        Assert.InRange(server, 0, 2);

        // The real server's port is closed: its error quotes what the director sent it (CIP:40000 -> RIP:8053).
        var fromServer = Icmp6Error(NatTestBed6.Server(server), 1, 4, toServer);
        bed.FromServer(fromServer);
        var toClient = Assert.Single(Sent6(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(toClient, out var info));
        Assert.Equal(NatTestBed6.Vip, info.SourceAddress6);
        Assert.Equal(NatTestBed6.ClientAddress, info.DestinationAddress6);
        Assert.Equal(NatTestBed6.ClientMac, EthernetHeader.Destination(toClient));
        Assert.True(TransportChecksum.Verify(toClient, info));
        Assert.True(Icmpv6.TryReadQuoted(toClient, in info, out var quoted));
        Assert.Equal(NatTestBed6.ClientAddress, quoted.SourceAddress);
        Assert.Equal(NatTestBed6.Vip, quoted.DestinationAddress);
        Assert.Equal(40000, quoted.SourcePort);
        Assert.Equal(53, quoted.DestinationPort);
        var original = NatTestBed6.Client().Udp(40000, 53, [1, 2, 3]);
        Assert.True(original.AsSpan(14).SequenceEqual(toClient.AsSpan(quoted.L3Offset)), "the quote is the client's own datagram again, checksum included");

        // The client complains about an answer it got (VIP:53 -> CIP:40000): the server must see its own packet quoted.
        var answer = new Ipv6FrameBuilder { SourceAddress = NatTestBed6.Vip, DestinationAddress = NatTestBed6.ClientAddress }.Udp(53, 40000, [9]);
        bed.FromClient(Icmp6Error(NatTestBed6.Client(), 1, 4, answer));
        var toServerError = Assert.Single(Sent6(bed.ServerLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(toServerError, out var serverInfo));
        Assert.Equal(NatTestBed6.ClientAddress, serverInfo.SourceAddress6);
        Assert.Equal(NatTestBed6.ServerAddresses[server], serverInfo.DestinationAddress6);
        Assert.Equal(NatTestBed6.ServerMac(server), EthernetHeader.Destination(toServerError));
        Assert.True(TransportChecksum.Verify(toServerError, serverInfo));
        Assert.True(Icmpv6.TryReadQuoted(toServerError, in serverInfo, out var serverQuote));
        Assert.Equal(NatTestBed6.ServerAddresses[server], serverQuote.SourceAddress);
        Assert.Equal(8053, serverQuote.SourcePort);
        Assert.Equal(2, bed.Counters.IcmpErrorsTranslated);

        // About a flow nobody tracks: dropped and counted.
        var stranger = new Ipv6FrameBuilder { SourceAddress = NatTestBed6.Vip, DestinationAddress = NatTestBed6.ClientAddress }.Udp(53, 41000, [9]);
        bed.FromClient(Icmp6Error(NatTestBed6.Client(), 1, 4, stranger));
        Assert.Empty(Sent6(bed.ServerLink));
        Assert.Equal(1, bed.Counters.IcmpUnknownFlow);
    }

    [Fact]
    public void Fragments_follow_their_first_fragment_and_early_ones_wait_for_it()
    {
        var bed = new NatTestBed6(defaultService: false);
        bed.AddService(new VirtualServiceSpec(NatTestBed6.UdpKey, "rr"), 8053);
        bed.ResolveServers();

        // A UDP datagram of 8 + 40 bytes in two fragments: the header and 16 bytes, then the other 24 at offset 24.
        var whole = NatTestBed6.Client().Udp(40000, 53, Enumerable.Range(0, 40).Select(i => (byte)i).ToArray());
        var checksummed = whole.AsSpan(54).ToArray();
        var first = NatTestBed6.Client().With(Ipv6Extension.Fragment(0, true, 77)).Ipv6(IpProtocol.Udp, checksummed[..24], withChecksum: false);
        var second = NatTestBed6.Client().With(Ipv6Extension.Fragment(24, false, 77)).Ipv6(IpProtocol.Udp, checksummed[24..], withChecksum: false);

        // The later fragment first: held until the first one is scheduled, then both go to the same server.
        bed.FromClient(second);
        Assert.Empty(Sent6(bed.ServerLink));
        Assert.Equal(1, bed.Counters.FragmentsHeld);
        bed.FromClient(first);
        var sent = Sent6(bed.ServerLink);
        Assert.Equal(2, sent.Count);
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(sent[0], out var a));
        Assert.Equal(ParseResult.Fragment, FrameParser.Parse(sent[1], out var b));
        Assert.True(a.IsFirstFragment);
        Assert.False(b.IsFirstFragment);
        Assert.Equal(a.DestinationAddress6, b.DestinationAddress6);
        Assert.Contains(a.DestinationAddress6, NatTestBed6.ServerAddresses);
        Assert.Equal(8053, a.DestinationPort);

        // Reassembled, the rewritten datagram's checksum holds (the first fragment carried the whole adjustment).
        var reassembled = sent[0].AsSpan(a.L4Offset, a.L4Length).ToArray().Concat(sent[1].AsSpan(b.L4Offset, b.L4Length).ToArray()).ToArray();
        var sum = (ulong)Checksum.Add(reassembled) + Checksum.PseudoHeader6(a.SourceAddress6, a.DestinationAddress6, IpProtocol.Udp, reassembled.Length);
        Assert.Equal(0xFFFF, Checksum.Fold(sum));
        Assert.Equal(1, bed.Counters.FragmentsForwarded);
    }

    [Fact]
    public void Persistence_keeps_a_client_prefix_on_one_server()
    {
        var bed = new NatTestBed6(defaultService: false);
        bed.AddService(new VirtualServiceSpec(NatTestBed6.Key, "rr") { PersistenceTimeoutSeconds = 300, PersistencePrefixLength = 64 }, 8080);
        bed.ResolveServers();

        var servers = new HashSet<int>();
        for (var i = 0; i < 6; i++)
        {
            var client = NatTestBed6.Client();
            client.SourceAddress = NatTestBed6.ClientAddress + (UInt128)(i * 0x1_0000);
            servers.Add(bed.Forward(client.Tcp((ushort)(30000 + i), 80, TcpFlags.Syn, [])).Server);
        }

        Assert.Single(servers);
        Assert.Equal(1, bed.Counters.TemplatesCreated);

        // Another /64 is scheduled afresh (round robin moves on).
        var outsider = NatTestBed6.Client();
        outsider.SourceAddress = Ipv6Address.Parse("2001:db8:1:1::2");
        Assert.NotEqual(servers.Single(), bed.Forward(outsider.Tcp(30000, 80, TcpFlags.Syn, [])).Server);
        Assert.Equal(2, bed.Counters.TemplatesCreated);
    }

    [Fact]
    public void Firewall_mark_service_for_v6_prefixes_schedules_and_answers_solicitations()
    {
        var bed = new NatTestBed6(defaultService: false);
        bed.Services.SetFirewallMarks(
        [
            new FirewallMarkRule(6, FirewallMarkProtocol.Tcp, IPAddress.Parse("2001:db8:1::100"), 128, [new(443, 443)]),
        ]);
        bed.AddService(new VirtualServiceSpec(ServiceKey.ForFwmark(6, ipv6: true), "rr"), 0);
        bed.ResolveServers();

        var (_, info, server) = bed.Forward(NatTestBed6.Client().Tcp(40000, 443, TcpFlags.Syn, []));
        Assert.InRange(server, 0, 2);
        Assert.Equal(443, info.DestinationPort);

        bed.FromClient(Solicitation(NatTestBed6.ClientAddress, NatTestBed6.Vip, NatTestBed6.ClientMac, NatTestBed6.ClientLinkMac));
        Assert.Single(Sent6(bed.ClientLink));
    }

    [Fact]
    public void One_packet_scheduling_spreads_each_v6_datagram()
    {
        var bed = new NatTestBed6(defaultService: false);
        bed.AddService(new VirtualServiceSpec(NatTestBed6.UdpKey, "rr") { OnePacket = true }, 8053);
        bed.ResolveServers();
        var servers = Enumerable.Range(0, 3).Select(_ => bed.Forward(NatTestBed6.Client().Udp(40000, 53, [1])).Server).ToHashSet();

        Assert.Equal(3, servers.Count);
        Assert.Equal(3, bed.Counters.OnePacketScheduled);
    }

    [Fact]
    public void A_super_frame_is_cut_to_the_mtu_for_nat_and_before_6in6_encapsulation()
    {
        foreach (var method in new[] { ForwardingMethod.Masquerade, ForwardingMethod.Tunnel })
        {
            var bed = new NatTestBed6(method, serverMtu: 1400);
            bed.ResolveServers();
            bed.FromClient(NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, []));
            Sent6(bed.ServerLink);
            var payload = new byte[6000];
            new Random(5).NextBytes(payload);
            bed.FromClient(NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Ack | TcpFlags.Psh, payload, sequence: 1001));

            var sent = Sent6(bed.ServerLink);
            var innerMtu = method == ForwardingMethod.Tunnel ? 1360 : 1400;
            Assert.Equal((6000 + innerMtu - 61) / (innerMtu - 60), sent.Count);
            var received = new List<byte>();
            foreach (var frame in sent)
            {
                Assert.True(frame.Length - 14 <= 1400);
                var innerFrame = frame;
                if (method == ForwardingMethod.Tunnel)
                {
                    Assert.Equal(IpProtocol.Ipv6Encap, Ipv6Header.NextHeader(frame.AsSpan(14)));
                    innerFrame = [.. frame.AsSpan(0, 14), .. frame.AsSpan(54)];
                }

                Assert.Equal(ParseResult.Ok, FrameParser.Parse(innerFrame, out var info));
                Assert.True(TransportChecksum.Verify(innerFrame, info));
                Assert.True(info.IpTotalLength <= innerMtu);
                received.AddRange(innerFrame.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
            }

            Assert.Equal(payload, received.ToArray());
            Assert.Equal(1, bed.Counters.Segmented);
            Assert.Equal(0, bed.Counters.PacketTooBigSent);
        }
    }

    [Fact]
    public void A_real_server_off_link_is_reached_through_the_routes_gateway()
    {
        var gateway = Ipv6Address.Parse("fe80::fe");
        var gatewayMac = new MacAddress(0x02_00_00_00_FE_FE);
        var bed = new NatTestBed6(defaultService: false, serverRoutes: [new LvsDirector.Forwarding.Route6(Ipv6Address.Parse("2001:db8:3::"), 64, gateway)]);
        var far = Ipv6Address.Parse("2001:db8:3::11");
        Assert.Equal(ServiceTableError.None, bed.Services.AddService(new VirtualServiceSpec(NatTestBed6.Key, "rr")));
        Assert.Equal(ServiceTableError.None, bed.Services.AddRealServer(NatTestBed6.Key, new RealServerSpec(Ipv6Address.ToIPAddress(far), 8080, 1, ForwardingMethod.Masquerade)));
        bed.Heartbeat(0);

        // The gateway is solicited (from the link-local address, as its address is link-local), not the server.
        var (info, target, _) = ReadNd(Assert.Single(Sent6(bed.ServerLink)));
        Assert.Equal(gateway, target);
        Assert.True(Ipv6Address.IsLinkLocal(info.SourceAddress6));
        bed.FromServer(NatTestBed6.Advertisement(gatewayMac, gateway, NatTestBed6.ServerLinkMac, info.SourceAddress6));

        bed.FromClient(NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        var sent = Assert.Single(Sent6(bed.ServerLink));
        Assert.Equal(gatewayMac, EthernetHeader.Destination(sent));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(sent, out var forwarded));
        Assert.Equal(far, forwarded.DestinationAddress6);
    }

    [Fact]
    public void V6_connections_count_on_their_server_and_appear_in_the_connection_listing()
    {
        var bed = new NatTestBed6();
        bed.ResolveServers();
        var (_, _, server) = bed.Forward(NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        var real = bed.Services.Current.Services.Single().Servers.Single(s => s.Address6 == NatTestBed6.ServerAddresses[server]);
        Assert.Equal(1, real.ActiveConnections + real.InactiveConnections);

        var listed = Assert.Single(Director.Copy(bed.Worker));
        Assert.True(listed.IsIpv6);
        Assert.Equal("2001:db8:1::2", listed.ClientAddressText);
        Assert.Equal("2001:db8:1::100", listed.VirtualAddressText);
        Assert.Equal(Ipv6Address.Format(NatTestBed6.ServerAddresses[server]), listed.RealAddressText);
        Assert.Equal(8080, listed.RealPort);
    }

    [Fact]
    public void A_6in6_packet_built_while_its_server_resolves_leaves_once_advertised()
    {
        var bed = new NatTestBed6(ForwardingMethod.Tunnel);
        bed.Heartbeat(0);
        Sent6(bed.ServerLink);
        var frame = NatTestBed6.Client().Tcp(40000, 80, TcpFlags.Syn, []);
        bed.FromClient(frame);
        Assert.Empty(Sent6(bed.ServerLink));
        Assert.Equal(1, bed.Counters.NeighborHeld);

        var entry = bed.Connections[bed.Connections.FindInbound(IpProtocol.Tcp, NatTestBed6.ClientAddress, 40000, NatTestBed6.Vip, 80)];
        var server = Array.IndexOf(NatTestBed6.ServerAddresses, entry.RealAddress);
        bed.FromServer(NatTestBed6.Advertisement(NatTestBed6.ServerMac(server), entry.RealAddress, NatTestBed6.ServerLinkMac, NatTestBed6.ServerLinkAddress));

        var released = Assert.Single(Sent6(bed.ServerLink));
        Assert.Equal(NatTestBed6.ServerMac(server), EthernetHeader.Destination(released));
        Assert.Equal(NatTestBed6.ServerLinkMac, EthernetHeader.Source(released));
        Assert.Equal(IpProtocol.Ipv6Encap, Ipv6Header.NextHeader(released.AsSpan(14)));
        Assert.True(frame.AsSpan(14).SequenceEqual(released.AsSpan(54)));
    }

    [Fact]
    public void Icmp6_error_from_the_client_about_a_direct_routed_flow_reaches_its_server_unchanged()
    {
        var bed = new NatTestBed6(ForwardingMethod.DirectRouting, defaultService: false);
        bed.AddService(new VirtualServiceSpec(NatTestBed6.UdpKey, "rr"), 53, ForwardingMethod.DirectRouting);
        bed.ResolveServers();
        bed.FromClient(NatTestBed6.Client().Udp(40001, 53, [1, 2, 3]));
        var serverMac = EthernetHeader.Destination(Assert.Single(Sent6(bed.ServerLink)));

        // The real server answered from the VIP directly; the client's kernel complains about that answer.
        var answer = new Ipv6FrameBuilder { SourceAddress = NatTestBed6.Vip, DestinationAddress = NatTestBed6.ClientAddress }.Udp(53, 40001, [9, 9]);
        var error = Icmp6Error(NatTestBed6.Client(), 1, 4, answer);
        bed.FromClient(error);

        var sent = Assert.Single(Sent6(bed.ServerLink));
        Assert.Equal(serverMac, EthernetHeader.Destination(sent));
        Assert.True(error.AsSpan(12).SequenceEqual(sent.AsSpan(12)), "IPVS passes the error unchanged to a DR real server");
        Assert.Equal(1, bed.Counters.IcmpErrorsForwarded);
    }
}
