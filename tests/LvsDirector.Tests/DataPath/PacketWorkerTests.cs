using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;
using LvsDirector.Tests.Packets;

namespace LvsDirector.Tests.DataPath;

public class PacketWorkerTests
{
    [Fact]
    public void Heartbeat_announces_vip_and_asks_for_real_servers()
    {
        var bed = new NatTestBed();
        bed.Heartbeat(0);

        var clientSide = NatTestBed.DrainSent(bed.ClientLink);
        var garp = Assert.Single(clientSide);
        Assert.True(Arp.TryRead(garp, 14, out var arp));
        Assert.True(arp.IsGratuitous);
        Assert.Equal(NatTestBed.Vip, arp.SenderAddress);
        Assert.Equal(NatTestBed.ClientLinkMac, arp.SenderMac);

        var requests = NatTestBed.DrainSent(bed.ServerLink)
            .Select(f => Arp.TryRead(f, 14, out var a) ? a : default)
            .Where(a => a.IsRequest)
            .Select(a => a.TargetAddress)
            .Order()
            .ToArray();
        Assert.Equal(NatTestBed.ServerAddresses, requests);
    }

    [Fact]
    public void Answers_arp_for_the_vip_only_on_the_announcing_link()
    {
        var bed = new NatTestBed();
        bed.Heartbeat(0);
        NatTestBed.DrainSent(bed.ClientLink);
        NatTestBed.DrainSent(bed.ServerLink);

        var request = new byte[60];
        Arp.WriteRequest(request, NatTestBed.ClientMac, NatTestBed.ClientAddress, NatTestBed.Vip);
        bed.FromClient(request);
        var reply = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.True(Arp.TryRead(reply, 14, out var arp));
        Assert.True(arp.IsReply);
        Assert.Equal(NatTestBed.Vip, arp.SenderAddress);
        Assert.Equal(NatTestBed.ClientLinkMac, arp.SenderMac);
        Assert.Equal(NatTestBed.ClientMac, EthernetHeader.Destination(reply));

        var other = new byte[60];
        Arp.WriteRequest(other, NatTestBed.ClientMac, NatTestBed.ClientAddress, 0xC612_0063);
        bed.FromClient(other);
        Assert.Empty(NatTestBed.DrainSent(bed.ClientLink));

        bed.FromServer(request);
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
    }

    [Fact]
    public void Nat_rewrites_both_directions_with_valid_checksums()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();

        bed.FromClient(NatTestBed.Client().Tcp(40000, 80, TcpFlags.Syn, []));
        var toServer = Assert.Single(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(toServer, out var info));
        Assert.Equal(NatTestBed.ClientAddress, info.SourceAddress);
        Assert.Equal(40000, info.SourcePort);
        var server = Array.IndexOf(NatTestBed.ServerAddresses, info.DestinationAddress);
        Assert.True(server >= 0);
        Assert.Equal(8080, info.DestinationPort);
        Assert.Equal(NatTestBed.ServerMac(server), EthernetHeader.Destination(toServer));
        Assert.Equal(NatTestBed.ServerLinkMac, EthernetHeader.Source(toServer));
        Assert.True(Ipv4Header.VerifyChecksum(toServer.AsSpan(info.L3Offset)));
        Assert.True(TransportChecksum.Verify(toServer, info));

        bed.FromServer(NatTestBed.Server(server).Tcp(8080, 40000, TcpFlags.Syn | TcpFlags.Ack, []));
        var toClient = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(toClient, out var back));
        Assert.Equal(NatTestBed.Vip, back.SourceAddress);
        Assert.Equal(80, back.SourcePort);
        Assert.Equal(NatTestBed.ClientAddress, back.DestinationAddress);
        Assert.Equal(NatTestBed.ClientMac, EthernetHeader.Destination(toClient));
        Assert.Equal(NatTestBed.ClientLinkMac, EthernetHeader.Source(toClient));
        Assert.True(Ipv4Header.VerifyChecksum(toClient.AsSpan(back.L3Offset)));
        Assert.True(TransportChecksum.Verify(toClient, back));
    }

    [Fact]
    public void Round_robin_spreads_new_connections_and_keeps_existing_ones()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        var chosen = new List<uint>();
        for (ushort port = 1000; port < 1006; port++)
        {
            bed.FromClient(NatTestBed.Client().Tcp(port, 80, TcpFlags.Syn, []));
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(Assert.Single(NatTestBed.DrainSent(bed.ServerLink)), out var info));
            chosen.Add(info.DestinationAddress);
        }

        Assert.Equal(chosen.Take(3), chosen.Skip(3));
        Assert.Equal(3, chosen.Distinct().Count());

        // A later segment of the first connection goes to the same server.
        bed.FromClient(NatTestBed.Client().Tcp(1000, 80, TcpFlags.Ack, [1, 2, 3]));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Assert.Single(NatTestBed.DrainSent(bed.ServerLink)), out var again));
        Assert.Equal(chosen[0], again.DestinationAddress);
    }

    [Fact]
    public void Quiesced_server_keeps_its_connection_but_gets_no_new_ones()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        bed.FromClient(NatTestBed.Client().Tcp(2000, 80, TcpFlags.Syn, []));
        FrameParser.Parse(Assert.Single(NatTestBed.DrainSent(bed.ServerLink)), out var first);
        var quiesced = first.DestinationAddress;

        Assert.Equal(ServiceTableError.None, bed.Services.EditRealServer(NatTestBed.Key,
            new RealServerSpec(Ipv4Address.ToIPAddress(quiesced), 8080, 0, ForwardingMethod.Masquerade)));

        bed.FromClient(NatTestBed.Client().Tcp(2000, 80, TcpFlags.Ack, [9]));
        FrameParser.Parse(Assert.Single(NatTestBed.DrainSent(bed.ServerLink)), out var existing);
        Assert.Equal(quiesced, existing.DestinationAddress);

        for (ushort port = 2001; port < 2011; port++)
        {
            bed.FromClient(NatTestBed.Client().Tcp(port, 80, TcpFlags.Syn, []));
            FrameParser.Parse(Assert.Single(NatTestBed.DrainSent(bed.ServerLink)), out var info);
            Assert.NotEqual(quiesced, info.DestinationAddress);
        }
    }

    [Fact]
    public void Deleted_server_gets_no_new_connections_and_its_old_ones_are_dropped_as_ipvs_does()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        bed.FromClient(NatTestBed.Client().Tcp(3000, 80, TcpFlags.Syn, []));
        FrameParser.Parse(Assert.Single(NatTestBed.DrainSent(bed.ServerLink)), out var first);
        Assert.Equal(ServiceTableError.None, bed.Services.DeleteRealServer(NatTestBed.Key, Ipv4Address.ToIPAddress(first.DestinationAddress), 8080));

        bed.FromClient(NatTestBed.Client().Tcp(3000, 80, TcpFlags.Ack, [1]));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(1, bed.Counters.Snapshot().Single(c => c.Key == "drop_destination_removed").Value);

        for (ushort port = 3001; port < 3011; port++)
        {
            bed.FromClient(NatTestBed.Client().Tcp(port, 80, TcpFlags.Syn, []));
            FrameParser.Parse(Assert.Single(NatTestBed.DrainSent(bed.ServerLink)), out var info);
            Assert.NotEqual(first.DestinationAddress, info.DestinationAddress);
        }
    }

    [Fact]
    public void Tcp_without_syn_and_without_connection_is_dropped_and_counted()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        bed.FromClient(NatTestBed.Client().Tcp(4000, 80, TcpFlags.Ack, [1]));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(1, bed.Counters.Snapshot().Single(c => c.Key == "drop_tcp_not_syn").Value);
    }

    [Fact]
    public void Frame_for_an_unresolved_server_is_held_and_sent_once_arp_answers()
    {
        var bed = new NatTestBed(weights: [1]);
        bed.FromClient(NatTestBed.Client().Tcp(5000, 80, TcpFlags.Syn, []));
        Assert.DoesNotContain(NatTestBed.DrainSent(bed.ServerLink), f => EthernetHeader.Type(f) == EtherType.Ipv4);

        var reply = new byte[60];
        bed.Heartbeat(0);
        Arp.WriteReply(reply, NatTestBed.ServerMac(0), NatTestBed.ServerAddresses[0], NatTestBed.ServerLinkMac, 0xC613_0001);
        bed.FromServer(reply);
        var sent = NatTestBed.DrainSent(bed.ServerLink).Where(f => EthernetHeader.Type(f) == EtherType.Ipv4).ToList();
        var held = Assert.Single(sent);
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(held, out var info));
        Assert.Equal(NatTestBed.ServerAddresses[0], info.DestinationAddress);
        Assert.Equal(NatTestBed.ServerMac(0), EthernetHeader.Destination(held));
        Assert.True(TransportChecksum.Verify(held, info));
    }

    [Fact]
    public void Partial_checksum_frames_are_completed_before_the_rewrite()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        var frame = NatTestBed.Client().Udp(5353, 53, [1, 2, 3, 4, 5]);
        Assert.Equal(ServiceTableError.None, bed.Services.AddService(new VirtualServiceSpec(NatTestBed.UdpKey, "rr")));
        Assert.Equal(ServiceTableError.None, bed.Services.AddRealServer(NatTestBed.UdpKey,
            new RealServerSpec(Ipv4Address.ToIPAddress(NatTestBed.ServerAddresses[0]), 53, 1, ForwardingMethod.Masquerade)));
        FrameParser.Parse(frame, out var info);
        TransportChecksum.WritePartial(frame, info);
        Assert.False(TransportChecksum.Verify(frame, info));

        bed.FromClient(frame, FrameFlags.ChecksumNotReady);
        var sent = Assert.Single(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(sent, out var rewritten));
        Assert.Equal(NatTestBed.ServerAddresses[0], rewritten.DestinationAddress);
        Assert.True(TransportChecksum.Verify(sent, rewritten));
    }

    [Fact]
    public void Superframe_is_segmented_to_the_mtu_of_the_outgoing_link()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        bed.FromClient(NatTestBed.Client().Tcp(6000, 80, TcpFlags.Syn, []));
        NatTestBed.DrainSent(bed.ServerLink);

        var payload = FrameBuilder.RandomPayload(new Random(7), 4000);
        var big = NatTestBed.Client().Tcp(6000, 80, TcpFlags.Ack | TcpFlags.Psh, payload);
        bed.FromClient(big);
        var segments = NatTestBed.DrainSent(bed.ServerLink);
        Assert.Equal(3, segments.Count);
        var joined = new List<byte>();
        foreach (var segment in segments)
        {
            Assert.Equal(ParseResult.Ok, FrameParser.Parse(segment, out var info));
            Assert.True(info.IpTotalLength <= 1500);
            Assert.True(TransportChecksum.Verify(segment, info));
            joined.AddRange(segment.AsSpan(info.PayloadOffset, info.PayloadLength).ToArray());
        }

        Assert.Equal(payload, joined);
    }

    [Fact]
    public void Echo_request_to_the_vip_is_answered()
    {
        var bed = new NatTestBed();
        bed.Heartbeat(0);
        NatTestBed.DrainSent(bed.ClientLink);
        bed.FromClient(NatTestBed.Client().IcmpEcho(7, 1, [1, 2, 3]));
        var reply = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(reply, out var info));
        Assert.Equal(NatTestBed.Vip, info.SourceAddress);
        Assert.Equal(0, info.IcmpType);
    }

    [Fact]
    public void Frames_for_other_macs_and_garbage_never_throw_or_forward()
    {
        var bed = new NatTestBed();
        bed.ResolveServers();
        var random = new Random(11);
        var valid = NatTestBed.Client().Tcp(7000, 80, TcpFlags.Syn, [1, 2, 3]);
        for (var i = 0; i < 5000; i++)
        {
            var frame = (byte[])valid.Clone();
            var cut = random.Next(1, frame.Length + 1);
            for (var k = 0; k < 3; k++)
            {
                frame[random.Next(14, frame.Length)] = (byte)random.Next(256);
            }

            bed.FromClient(frame.AsSpan(0, cut).ToArray());
        }

        foreach (var frame in NatTestBed.DrainSent(bed.ServerLink))
        {
            Assert.NotEqual(ParseResult.Truncated, FrameParser.Parse(frame, out _));
        }

        var notForUs = NatTestBed.Client().Tcp(7001, 80, TcpFlags.Syn, []);
        new MacAddress(0x02_99_99_99_99_99).Write(notForUs);
        bed.FromClient(notForUs);
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
    }
}
