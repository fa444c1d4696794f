using System.Net;
using LvsDirector.DataPath;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

public class FirewallMarkTests
{
    // iptables -t mangle -A PREROUTING -d 198.18.0.100/32 -p tcp -m multiport --dports 80,443 -j MARK --set-mark 1
    private static readonly FirewallMarkRule Web = new(1, FirewallMarkProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 32, [new(80, 80), new(443, 443)]);

    private static NatTestBed Bed(uint? persistence, ushort serverPort = 0, bool alsoPort80Service = false)
    {
        var bed = new NatTestBed(defaultService: false);
        bed.Services.SetFirewallMarks([Web]);
        if (alsoPort80Service)
        {
            Assert.Equal(ServiceTableError.None, bed.Services.AddService(new VirtualServiceSpec(NatTestBed.Key, "rr")));
            Assert.Equal(ServiceTableError.None, bed.Services.AddRealServer(NatTestBed.Key, new RealServerSpec(NatTestBed.ServerIp(2), 9999, 1, ForwardingMethod.Masquerade)));
        }

        bed.AddService(new VirtualServiceSpec(ServiceKey.ForFwmark(1), "rr") { PersistenceTimeoutSeconds = persistence }, serverPort);
        bed.ResolveServers();
        return bed;
    }

    [Fact]
    public void Persistence_spans_the_ports_of_a_firewall_mark_and_keeps_each_port()
    {
        var bed = Bed(persistence: 300);
        var http = bed.Forward(NatTestBed.Client().Tcp(1000, 80, TcpFlags.Syn, []));
        var https = bed.Forward(NatTestBed.Client().Tcp(1001, 443, TcpFlags.Syn, []));
        Assert.Equal(http.Server, https.Server);
        Assert.Equal(80, http.Info.DestinationPort);
        Assert.Equal(443, https.Info.DestinationPort);

        // ipvsadm -Lc shows the template as "IP ... 0.0.0.1:0": protocol IPPROTO_IP, the mark as virtual address.
        var template = Assert.Single(Director.Copy(bed.Worker), c => c.IsTemplate);
        Assert.Equal("IP", template.ProtocolName);
        Assert.Equal(1u, template.VirtualAddress);
        Assert.Equal(0, template.VirtualPort);
        Assert.Equal(0, template.ClientPort);

        // The reply is reverse-NATed from VIP:443.
        bed.FromServer(NatTestBed.Server(https.Server).Tcp(443, 1001, TcpFlags.Syn | TcpFlags.Ack, []));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(Assert.Single(NatTestBed.DrainSent(bed.ClientLink)), out var back));
        Assert.Equal(NatTestBed.Vip, back.SourceAddress);
        Assert.Equal(443, back.SourcePort);
    }

    [Fact]
    public void Frames_no_rule_marks_find_no_service()
    {
        var bed = Bed(persistence: 300);
        bed.FromClient(NatTestBed.Client().Tcp(1000, 22, TcpFlags.Syn, []));
        bed.FromClient(NatTestBed.Client().Udp(1000, 80, [1]));
        Assert.Empty(NatTestBed.DrainSent(bed.ServerLink));
        Assert.Equal(2, bed.Counters.Snapshot().Single(c => c.Key == "drop_no_service").Value);
    }

    [Fact]
    public void The_mark_is_looked_up_before_protocol_address_and_port_as_ipvs_does()
    {
        var bed = Bed(persistence: null, alsoPort80Service: true);
        var servers = Enumerable.Range(0, 6).Select(i => bed.Forward(NatTestBed.Client().Tcp((ushort)(2000 + i), 80, TcpFlags.Syn, [])).Info.DestinationPort).ToArray();
        Assert.DoesNotContain((ushort)9999, servers);
    }

    [Fact]
    public void A_non_persistent_mark_service_uses_the_servers_port_when_it_has_one()
    {
        var bed = Bed(persistence: null, serverPort: 8080);
        Assert.Equal(8080, bed.Forward(NatTestBed.Client().Tcp(1000, 443, TcpFlags.Syn, [])).Info.DestinationPort);
    }

    [Fact]
    public void The_vips_of_a_mark_services_rules_are_announced()
    {
        var bed = new NatTestBed(defaultService: false);
        bed.Services.SetFirewallMarks([Web, new FirewallMarkRule(1, FirewallMarkProtocol.Any, IPAddress.Parse("198.18.5.0"), 24, [])]);
        Assert.Equal(ServiceTableError.None, bed.Services.AddService(new VirtualServiceSpec(ServiceKey.ForFwmark(1), "rr")));
        bed.Heartbeat(0);
        var garp = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.True(Arp.TryRead(garp, 14, out var arp));
        Assert.Equal(NatTestBed.Vip, arp.SenderAddress);
    }

    [Fact]
    public void The_first_matching_rule_wins()
    {
        var classifier = new FirewallMarkClassifier(
        [
            new FirewallMarkRule(7, FirewallMarkProtocol.Udp, IPAddress.Parse("198.18.0.0"), 24, [new(53, 53)]),
            Web,
            new FirewallMarkRule(2, FirewallMarkProtocol.Any, IPAddress.Parse("198.18.0.0"), 16, [new(8000, 8080)]),
            new FirewallMarkRule(3, FirewallMarkProtocol.Any, IPAddress.Parse("198.18.0.100"), 32, []),
        ]);
        Assert.Equal(7u, classifier.Classify(17, NatTestBed.Vip, 53));
        Assert.Equal(3u, classifier.Classify(6, NatTestBed.Vip, 53));
        Assert.Equal(1u, classifier.Classify(6, NatTestBed.Vip, 443));
        Assert.Equal(3u, classifier.Classify(17, NatTestBed.Vip, 443));
        Assert.Equal(2u, classifier.Classify(17, NatTestBed.Vip, 8000));
        Assert.Equal(2u, classifier.Classify(6, 0xC612_0501, 8080));
        Assert.Equal(0u, classifier.Classify(6, 0xC612_0501, 8081));
        Assert.Equal(0u, classifier.Classify(6, 0xC614_0000, 8000));
        Assert.Equal([NatTestBed.Vip], classifier.HostAddressesFor(1));
    }
}
