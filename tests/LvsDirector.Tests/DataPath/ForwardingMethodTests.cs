using System.Buffers.Binary;
using System.Net;
using LvsDirector.Forwarding;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

/// <summary>Direct routing and tunnelling through the whole worker, over in-memory links.</summary>
public class ForwardingMethodTests
{
    private const uint DirectorServerSide = 0xC613_0001; // 198.19.0.1

    private static NatTestBed Bed(ForwardingMethod method, int serverMtu = 1500, TunnelType tunnelType = TunnelType.Ipip, ushort tunnelPort = 0)
    {
        var bed = new NatTestBed(defaultService: false, serverMtu: serverMtu);
        bed.AddService(new VirtualServiceSpec(NatTestBed.Key, "rr"), 80, method: method, tunnelType: tunnelType, tunnelPort: tunnelPort);
        bed.AddService(new VirtualServiceSpec(NatTestBed.UdpKey, "rr"), 53, method: method, tunnelType: tunnelType, tunnelPort: tunnelPort);
        bed.ResolveServers();
        return bed;
    }

    private static List<byte[]> SentToServers(NatTestBed bed) =>
        NatTestBed.DrainSent(bed.ServerLink).Where(f => EthernetHeader.Type(f) == EtherType.Ipv4).ToList();

    [Fact]
    public void Editing_a_server_from_nat_to_direct_routing_keeps_its_open_connections_on_nat()
    {
        // IPVS binds cp->packet_xmit when the connection is created; ipvsadm -e -g applies to new connections only.
        var bed = new NatTestBed(defaultService: false);
        bed.AddService(new VirtualServiceSpec(NatTestBed.Key, "rr"), 80, method: ForwardingMethod.Masquerade);
        bed.ResolveServers();
        var old = bed.Forward(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        Assert.Equal(NatTestBed.ServerAddresses[old.Server], old.Info.DestinationAddress);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(ServiceTableError.None, bed.Services.EditRealServer(NatTestBed.Key,
                new RealServerSpec(NatTestBed.ServerIp(i), 80, 1, ForwardingMethod.DirectRouting)));
        }

        // The open connection: still NAT (destination rewritten to the real server).
        var next = bed.Forward(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Ack, [1, 2, 3]));
        Assert.Equal(NatTestBed.ServerAddresses[old.Server], next.Info.DestinationAddress);
        Assert.Equal(0, bed.Counters.DirectRouted);

        // A new connection: direct routing (the VIP and port untouched, only the MACs change).
        var fresh = bed.Forward(NatTestBed.Client().Tcp(40001, 80, TcpFlags.Syn, []));
        Assert.Equal(NatTestBed.Vip, fresh.Info.DestinationAddress);
        Assert.Equal(80, fresh.Info.DestinationPort);
        Assert.Equal(1, bed.Counters.DirectRouted);
    }

    [Fact]
    public void Direct_routing_changes_only_the_MACs()
    {
        var bed = Bed(ForwardingMethod.DirectRouting);
        var payload = new byte[300];
        new Random(7).NextBytes(payload);
        byte[][] frames =
        [
            NatTestBed.Client().Tcp(40000, 80, TcpFlags.Syn, []),
            NatTestBed.Client().Tcp(40000, 80, TcpFlags.Ack | TcpFlags.Psh, payload),
            NatTestBed.Client().Udp(40001, 53, payload),
        ];

        foreach (var frame in frames)
        {
            bed.FromClient(frame);
            var sent = Assert.Single(SentToServers(bed));
            Assert.Equal(frame.Length, sent.Length);
            Assert.True(frame.AsSpan(12).SequenceEqual(sent.AsSpan(12)), "IP header, ports, payload and checksums must be untouched");
            Assert.Equal(NatTestBed.ServerLinkMac, EthernetHeader.Source(sent));
            Assert.Contains(EthernetHeader.Destination(sent), new[] { NatTestBed.ServerMac(0), NatTestBed.ServerMac(1), NatTestBed.ServerMac(2) });
        }

        Assert.Equal(3, bed.Counters.DirectRouted);
    }

    [Fact]
    public void Icmp_error_from_the_client_about_a_direct_routed_flow_reaches_its_server_unchanged()
    {
        var bed = Bed(ForwardingMethod.DirectRouting);
        bed.FromClient(NatTestBed.Client().Udp(40001, 53, [1, 2, 3]));
        var serverMac = EthernetHeader.Destination(Assert.Single(SentToServers(bed)));

        // The real server answered the client directly, from the VIP; the client's kernel complains about that answer.
        var answer = new Tests.Packets.FrameBuilder { SourceAddress = NatTestBed.Vip, DestinationAddress = NatTestBed.ClientAddress }.Udp(53, 40001, [9, 9]);
        var error = FragmentFrames.IcmpError(NatTestBed.Client(), Icmp.DestinationUnreachableType, 3, answer);
        bed.FromClient(error);

        var sent = Assert.Single(SentToServers(bed));
        Assert.Equal(serverMac, EthernetHeader.Destination(sent));
        Assert.True(error.AsSpan(12).SequenceEqual(sent.AsSpan(12)), "IPVS passes the error unchanged to a DR real server");
        Assert.Equal(1, bed.Counters.Snapshot().Single(c => c.Key == "icmp_errors_forwarded").Value);
    }

    [Fact]
    public void Direct_routing_keeps_connection_state_from_the_client_side_only()
    {
        var bed = Bed(ForwardingMethod.DirectRouting);
        bed.FromClient(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        var first = Assert.Single(SentToServers(bed));
        bed.FromClient(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Ack, []));
        var second = Assert.Single(SentToServers(bed));

        // The same server for the whole connection, and one input-only entry.
        Assert.Equal(EthernetHeader.Destination(first), EthernetHeader.Destination(second));
        Assert.Equal(1, bed.Connections.Count);
    }

    [Fact]
    public void Ipip_wraps_the_untouched_packet_in_an_outer_header_copying_tos_ttl_and_df()
    {
        var bed = Bed(ForwardingMethod.Tunnel);
        var client = NatTestBed.Client();
        client.Ttl = 57;
        var frame = client.Tcp(40000, 80, TcpFlags.Syn, []);
        frame[15] = 0x28; // TOS, then fix the inner header checksum
        Ipv4Header.WriteChecksum(frame.AsSpan(14));

        bed.FromClient(frame);
        var sent = Assert.Single(SentToServers(bed));
        var outer = sent.AsSpan(14);
        Assert.Equal(frame.Length + 20, sent.Length);
        Assert.Equal(IpProtocol.IpIp, Ipv4Header.Protocol(outer));
        Assert.Equal(DirectorServerSide, Ipv4Header.Source(outer));
        Assert.Contains(Ipv4Header.Destination(outer), NatTestBed.ServerAddresses);
        Assert.Equal(57, Ipv4Header.Ttl(outer));
        Assert.Equal(0x28, Ipv4Header.TypeOfService(outer));
        Assert.True(Ipv4Header.IsDontFragment(outer));
        Assert.Equal(frame.Length - 14 + 20, Ipv4Header.TotalLength(outer));
        Assert.True(Ipv4Header.VerifyChecksum(outer));
        Assert.True(frame.AsSpan(14).SequenceEqual(sent.AsSpan(34)), "the inner packet must be byte-identical");
        Assert.Equal(NatTestBed.ServerLinkMac, EthernetHeader.Source(sent));
        Assert.Equal(1, bed.Counters.Tunnelled);
    }

    [Fact]
    public void Gue_adds_udp_to_the_tunnel_port_and_a_version_0_header_naming_ipip()
    {
        var bed = Bed(ForwardingMethod.Tunnel, tunnelType: TunnelType.Gue, tunnelPort: 6080);
        var frame = NatTestBed.Client().Udp(40001, 53, new byte[100]);
        bed.FromClient(frame);
        var sent = Assert.Single(SentToServers(bed));
        var outer = sent.AsSpan(14);
        Assert.Equal(IpProtocol.Udp, Ipv4Header.Protocol(outer));
        Assert.Equal(frame.Length + 32, sent.Length);
        Assert.True(Ipv4Header.VerifyChecksum(outer));
        var udp = outer[20..];
        Assert.Equal(6080, BinaryPrimitives.ReadUInt16BigEndian(udp[2..]));
        Assert.Equal(8 + 4 + frame.Length - 14, BinaryPrimitives.ReadUInt16BigEndian(udp[4..]));
        Assert.Equal(0, BinaryPrimitives.ReadUInt16BigEndian(udp[6..])); // --tun-nocsum, the IPVS default
        Assert.Equal(new byte[] { 0, IpProtocol.IpIp, 0, 0 }, udp.Slice(8, 4).ToArray());
        Assert.InRange(BinaryPrimitives.ReadUInt16BigEndian(udp), 32768, 60999);
        Assert.True(frame.AsSpan(14).SequenceEqual(sent.AsSpan(14 + 32)));

        Assert.Equal(DecapsulationResult.Ok, TunnelDecapsulator.TryDecapsulate(sent, 0, 6080, out var offset, out var length));
        Assert.True(frame.AsSpan(14).SequenceEqual(sent.AsSpan(offset, length)));
    }

    [Fact]
    public void A_df_packet_too_big_for_the_tunnel_is_answered_with_fragmentation_needed_from_the_vip()
    {
        var bed = Bed(ForwardingMethod.Tunnel, serverMtu: 1400);
        var frame = NatTestBed.Client().Udp(40001, 53, new byte[1500 - 28]);
        Assert.Equal(1500, Ipv4Header.TotalLength(frame.AsSpan(14)));

        bed.FromClient(frame);
        Assert.Empty(SentToServers(bed));
        var answer = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(answer, out var info));
        Assert.Equal(NatTestBed.ClientMac, EthernetHeader.Destination(answer));
        Assert.Equal(NatTestBed.ClientLinkMac, EthernetHeader.Source(answer));
        Assert.Equal(NatTestBed.Vip, info.SourceAddress);
        Assert.Equal(NatTestBed.ClientAddress, info.DestinationAddress);
        Assert.Equal(IpProtocol.Icmp, info.Protocol);
        Assert.Equal(Icmp.DestinationUnreachableType, info.IcmpType);
        Assert.Equal(Icmp.FragmentationNeededCode, info.IcmpCode);
        Assert.True(Ipv4Header.VerifyChecksum(answer.AsSpan(14)));
        var icmp = answer.AsSpan(info.L4Offset, info.L4Length);
        Assert.Equal(0xFFFF, Checksum.Fold(Checksum.Add(icmp)));
        Assert.Equal(1380, Icmp.NextHopMtu(icmp));

        // The quote starts with the client's own IP header and fills a 576-byte datagram.
        Assert.Equal(576, info.IpTotalLength);
        Assert.True(frame.AsSpan(14, 548).SequenceEqual(icmp[8..]));
        Assert.Equal(1, bed.Counters.FragmentationNeededSent);
    }

    [Fact]
    public void Direct_routing_answers_fragmentation_needed_with_the_link_mtu()
    {
        var bed = Bed(ForwardingMethod.DirectRouting, serverMtu: 1400);
        bed.FromClient(NatTestBed.Client().Udp(40001, 53, new byte[1472]));
        Assert.Empty(SentToServers(bed));
        var answer = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(answer, out var info));
        Assert.Equal(1400, Icmp.NextHopMtu(answer.AsSpan(info.L4Offset)));
    }

    [Fact]
    public void A_packet_without_df_travels_in_two_outer_fragments()
    {
        var bed = Bed(ForwardingMethod.Tunnel, serverMtu: 1400);
        var client = NatTestBed.Client();
        client.FlagsAndFragment = 0;
        var payload = new byte[1472];
        new Random(3).NextBytes(payload);
        var frame = client.Udp(40001, 53, payload);

        bed.FromClient(frame);
        var sent = SentToServers(bed);
        Assert.Equal(2, sent.Count);
        var first = sent[0].AsSpan(14);
        var second = sent[1].AsSpan(14);
        Assert.True(Ipv4Header.VerifyChecksum(first));
        Assert.True(Ipv4Header.VerifyChecksum(second));
        Assert.Equal(IpProtocol.IpIp, Ipv4Header.Protocol(first));
        Assert.Equal(IpProtocol.IpIp, Ipv4Header.Protocol(second));
        Assert.True(Ipv4Header.HasMoreFragments(first));
        Assert.False(Ipv4Header.HasMoreFragments(second));
        Assert.Equal(0, Ipv4Header.FragmentOffset(first));
        Assert.Equal(Ipv4Header.TotalLength(first) - 20, Ipv4Header.FragmentOffset(second));
        Assert.Equal(Ipv4Header.Identification(first), Ipv4Header.Identification(second));
        Assert.True(Ipv4Header.TotalLength(first) <= 1400);

        // Reassembled, the outer payload is the client's packet.
        var reassembled = first[20..Ipv4Header.TotalLength(first)].ToArray().Concat(second[20..Ipv4Header.TotalLength(second)].ToArray()).ToArray();
        Assert.Equal(frame.AsSpan(14).ToArray(), reassembled);
        Assert.Equal(1, bed.Counters.Fragmented);
    }

    [Fact]
    public void A_super_frame_is_segmented_to_the_tunnel_mtu_before_encapsulation()
    {
        var bed = Bed(ForwardingMethod.Tunnel, serverMtu: 1400);
        bed.FromClient(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        SentToServers(bed);
        var payload = new byte[6000];
        new Random(5).NextBytes(payload);
        bed.FromClient(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Ack | TcpFlags.Psh, payload, sequence: 1001));

        var sent = SentToServers(bed);
        Assert.Equal(5, sent.Count); // 6000 / (1380 - 40)
        var received = new List<byte>();
        foreach (var frame in sent)
        {
            Assert.True(frame.Length - 14 <= 1400);
            Assert.Equal(IpProtocol.IpIp, Ipv4Header.Protocol(frame.AsSpan(14)));
            var inner = frame.AsSpan(34).ToArray();
            var innerFrame = new byte[14 + inner.Length];
            frame.AsSpan(0, 14).CopyTo(innerFrame);
            inner.CopyTo(innerFrame, 14);
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(innerFrame, out var info));
            Assert.True(TransportChecksum.Verify(innerFrame, info));
            Assert.True(info.IpTotalLength <= 1380);
            received.AddRange(innerFrame.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
        }

        Assert.Equal(payload, received.ToArray());
        Assert.Equal(0, bed.Counters.FragmentationNeededSent);
    }

    [Fact]
    public void A_real_server_off_link_is_reached_through_the_routes_gateway()
    {
        const uint Gateway = 0xC613_00FE;         // 198.19.0.254
        const uint RoutedServer = 0xC614_000B;    // 198.20.0.11
        var gatewayMac = new MacAddress(0x02_00_00_00_6A_01);
        var bed = new NatTestBed(defaultService: false, serverRoutes: [new Route(0xC614_0000, 0xFFFF_FF00, Gateway)]);
        Assert.Equal(ServiceTableError.None, bed.Services.AddService(new VirtualServiceSpec(NatTestBed.Key, "rr")));
        Assert.Equal(ServiceTableError.None, bed.Services.AddRealServer(NatTestBed.Key,
            new RealServerSpec(IPAddress.Parse("198.20.0.11"), 80, 1, ForwardingMethod.Tunnel)));
        bed.Heartbeat(0);
        var probes = NatTestBed.DrainSent(bed.ServerLink);
        Assert.Contains(probes, f => EthernetHeader.Type(f) == EtherType.Arp && BinaryPrimitives.ReadUInt32BigEndian(f.AsSpan(38)) == Gateway);
        var reply = new byte[60];
        Arp.WriteReply(reply, gatewayMac, Gateway, NatTestBed.ServerLinkMac, DirectorServerSide);
        bed.FromServer(reply);

        bed.FromClient(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        var sent = Assert.Single(SentToServers(bed));
        Assert.Equal(gatewayMac, EthernetHeader.Destination(sent));
        Assert.Equal(RoutedServer, Ipv4Header.Destination(sent.AsSpan(14)));
    }
}
