using LvsDirector.DataPath;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

public class OnePacketTests
{
    private static NatTestBed Bed(uint? persistence = null)
    {
        var bed = new NatTestBed(defaultService: false, options: new PacketWorkerOptions { OnePacketReplySeconds = 5 });
        bed.AddService(new VirtualServiceSpec(NatTestBed.UdpKey, "rr") { OnePacket = true, PersistenceTimeoutSeconds = persistence }, 5353);
        bed.ResolveServers();
        return bed;
    }

    [Fact]
    public void Every_datagram_is_scheduled_on_its_own_and_no_connection_is_counted()
    {
        var bed = Bed();
        var servers = Enumerable.Range(0, 6).Select(i => bed.Forward(NatTestBed.Client().Udp(5000, 53, [(byte)i])).Server).ToArray();
        Assert.Equal([0, 1, 2, 0, 1, 2], servers);
        Assert.All(bed.Services.Current.Services[0].Servers, s => Assert.Equal(0, s.ActiveConnections + s.InactiveConnections));
        Assert.Equal(6, bed.Services.Current.Services[0].Stats.Connections);

        // One reply entry per (client port, real server); none is ever matched by client datagrams.
        Assert.Equal(3, bed.Connections.Count);
        Assert.All(Director.Copy(bed.Worker), c => Assert.True(c.IsOnePacket));
    }

    [Fact]
    public void The_real_servers_reply_is_still_reverse_natted_then_the_entry_goes()
    {
        var bed = Bed();
        var sent = bed.Forward(NatTestBed.Client().Udp(5000, 53, [1, 2, 3]));
        Assert.Equal(5353, sent.Info.DestinationPort);

        bed.FromServer(NatTestBed.Server(sent.Server).Udp(5353, 5000, [4, 5, 6]));
        var back = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(back, out var info));
        Assert.Equal(NatTestBed.Vip, info.SourceAddress);
        Assert.Equal(53, info.SourcePort);
        Assert.Equal(NatTestBed.ClientAddress, info.DestinationAddress);
        Assert.True(Ipv4Header.VerifyChecksum(back.AsSpan(info.L3Offset)));
        Assert.True(TransportChecksum.Verify(back, info));

        bed.Heartbeat(5_001);
        Assert.Equal(0, bed.Connections.Count);
        NatTestBed.DrainSent(bed.ClientLink);
        bed.FromServer(NatTestBed.Server(sent.Server).Udp(5353, 5000, [7]));
        Assert.Empty(NatTestBed.DrainSent(bed.ClientLink));
    }

    [Fact]
    public void With_persistence_the_datagrams_follow_the_template()
    {
        var bed = Bed(persistence: 60);
        var servers = Enumerable.Range(0, 4).Select(i => bed.Forward(NatTestBed.Client().Udp((ushort)(5000 + i), 53, [1])).Server).Distinct();
        Assert.Single(servers);
        Assert.Equal(1, bed.Connections.TemplateCount);
    }
}
