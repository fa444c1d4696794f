using System.Net;
using LvsDirector.Connections;
using LvsDirector.DataPath;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.DataPath;

public class PersistenceTests
{
    private static readonly ServiceKey Https = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 443);
    private static readonly ServiceKey Dns = new(ServiceProtocol.Udp, IPAddress.Parse("198.18.0.100"), 53);
    private static readonly ServiceKey AllPorts = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 0);

    private static NatTestBed Bed(ServiceKey key, uint timeout = 300, string? mask = null, PacketWorkerOptions? options = null, ConnectionTimeouts? timeouts = null, ushort serverPort = 8443)
    {
        var bed = new NatTestBed(defaultService: false, options: options, timeouts: timeouts);
        bed.AddService(new VirtualServiceSpec(key, "rr")
        {
            PersistenceTimeoutSeconds = timeout,
            PersistenceNetmask = mask is null ? null : IPAddress.Parse(mask),
        }, serverPort);
        bed.ResolveServers();
        return bed;
    }

    private static Packets.FrameBuilder From(uint client)
    {
        var builder = NatTestBed.Client();
        builder.SourceAddress = client;
        return builder;
    }

    [Fact]
    public void A_client_sticks_to_one_server_and_its_template_is_listed_as_ipvsadm_shows_it()
    {
        var bed = Bed(Https);
        var first = bed.Forward(NatTestBed.Client().Tcp(40000, 443, TcpFlags.Syn, []));
        for (ushort port = 40001; port < 40006; port++)
        {
            Assert.Equal(first.Server, bed.Forward(NatTestBed.Client().Tcp(port, 443, TcpFlags.Syn, [])).Server);
        }

        Assert.Equal(8443, first.Info.DestinationPort);
        var server = bed.Services.Current.Services[0].Servers[first.Server];
        Assert.Equal(1, server.PersistentConnections);
        Assert.Equal(6, server.InactiveConnections + server.ActiveConnections);

        var template = Assert.Single(Director.Copy(bed.Worker), c => c.IsTemplate);
        Assert.Equal("TCP", template.ProtocolName);
        Assert.Equal("NONE", template.StateName);
        Assert.Equal(NatTestBed.ClientAddress, template.ClientAddress);
        Assert.Equal(0, template.ClientPort);
        Assert.Equal(NatTestBed.Vip, template.VirtualAddress);
        Assert.Equal(443, template.VirtualPort);
        Assert.Equal(NatTestBed.ServerAddresses[first.Server], template.RealAddress);
        Assert.Equal(8443, template.RealPort);
        Assert.Equal(300_000, template.ExpiresInMs);
        Assert.Equal(6, template.ControlledConnections);

        // Another client is scheduled on its own (round robin moves on).
        var other = bed.Forward(From(0xC612_0003).Tcp(40000, 443, TcpFlags.Syn, []));
        Assert.NotEqual(first.Server, other.Server);
    }

    [Fact]
    public void The_template_outlives_its_connections_by_the_persistence_timeout_on_virtual_time()
    {
        // UDP connections idle out after 10 s; the template after 60 s without a new connection.
        var bed = Bed(Dns, timeout: 60, timeouts: ConnectionTimeouts.Default with { Udp = TimeSpan.FromSeconds(10) }, serverPort: 53);
        var first = bed.Forward(NatTestBed.Client().Udp(5000, 53, [1]));

        bed.ResolveServers(30_000);
        Assert.Equal(1, bed.Connections.Count); // only the template is left
        Assert.Equal(1, bed.Connections.TemplateCount);

        // A new connection inside the timeout goes to the same server and restarts the template's timer.
        bed.Worker.NowMs = 30_000;
        Assert.Equal(first.Server, bed.Forward(NatTestBed.Client().Udp(5001, 53, [2])).Server);

        bed.ResolveServers(80_000); // 50 s after the touch: the connection is gone, the template is not
        Assert.Equal(1, bed.Connections.TemplateCount);
        bed.ResolveServers(90_001);
        Assert.Equal(0, bed.Connections.Count);
        Assert.Equal(0, bed.Services.Current.Services[0].Servers[first.Server].PersistentConnections);

        bed.Worker.NowMs = 90_002;
        Assert.NotEqual(first.Server, bed.Forward(NatTestBed.Client().Udp(5002, 53, [3])).Server);
    }

    [Fact]
    public void A_template_is_kept_while_it_controls_a_connection()
    {
        var bed = Bed(Dns, timeout: 60, serverPort: 53); // UDP timeout stays 300 s
        var first = bed.Forward(NatTestBed.Client().Udp(5000, 53, [1]));
        bed.ResolveServers(61_000);
        Assert.Equal(1, bed.Connections.TemplateCount);
        bed.Worker.NowMs = 61_000;
        Assert.Equal(first.Server, bed.Forward(NatTestBed.Client().Udp(5001, 53, [2])).Server);
    }

    [Fact]
    public void A_netmask_groups_clients_of_one_network()
    {
        var bed = Bed(Https, mask: "255.255.255.0");
        var a = bed.Forward(From(0xC612_0002).Tcp(1000, 443, TcpFlags.Syn, []));
        var b = bed.Forward(From(0xC612_0077).Tcp(1000, 443, TcpFlags.Syn, []));
        var c = bed.Forward(From(0xC612_05FE).Tcp(1000, 443, TcpFlags.Syn, []));
        Assert.Equal(a.Server, b.Server);
        Assert.NotEqual(a.Server, c.Server);

        var templates = Director.Copy(bed.Worker).Where(s => s.IsTemplate).Select(s => s.ClientAddress).Order().ToArray();
        Assert.Equal([0xC612_0000u, 0xC612_0500u], templates);
    }

    [Fact]
    public void A_port_zero_service_takes_every_port_and_keeps_the_packets_port()
    {
        var bed = Bed(AllPorts, serverPort: 0);
        var web = bed.Forward(NatTestBed.Client().Tcp(1000, 443, TcpFlags.Syn, []));
        var ssh = bed.Forward(NatTestBed.Client().Tcp(1001, 22, TcpFlags.Syn, []));
        Assert.Equal(443, web.Info.DestinationPort);
        Assert.Equal(22, ssh.Info.DestinationPort);
        Assert.Equal(web.Server, ssh.Server);

        var template = Assert.Single(Director.Copy(bed.Worker), c => c.IsTemplate);
        Assert.Equal(0, template.VirtualPort);
        Assert.Equal(0, template.RealPort);

        // The reply of the port-22 connection goes back from VIP:22.
        bed.FromServer(NatTestBed.Server(ssh.Server).Tcp(22, 1001, TcpFlags.Syn | TcpFlags.Ack, []));
        var back = Assert.Single(NatTestBed.DrainSent(bed.ClientLink));
        Assert.Equal(ParseResult.Ok, FrameParser.Parse(back, out var info));
        Assert.Equal(NatTestBed.Vip, info.SourceAddress);
        Assert.Equal(22, info.SourcePort);
        Assert.True(TransportChecksum.Verify(back, info));
    }

    [Fact]
    public void A_port_zero_service_needs_persistence()
    {
        var table = new ServiceTable();
        Assert.Equal(ServiceTableError.ZeroPortNotPersistent, table.AddService(new VirtualServiceSpec(AllPorts, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(AllPorts, "rr") { PersistenceTimeoutSeconds = 30 }));
        Assert.Equal(ServiceTableError.ZeroPortNotPersistent, table.EditService(new VirtualServiceSpec(AllPorts, "rr")));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_quiesced_servers_template_is_expired_only_with_expire_quiescent_template(bool expireQuiescent)
    {
        var bed = Bed(Https, options: new PacketWorkerOptions { ExpireQuiescentTemplate = expireQuiescent });
        var first = bed.Forward(NatTestBed.Client().Tcp(1000, 443, TcpFlags.Syn, []));
        Assert.Equal(ServiceTableError.None, bed.Services.EditRealServer(Https, new RealServerSpec(NatTestBed.ServerIp(first.Server), 8443, 0, ForwardingMethod.Masquerade)));

        var next = bed.Forward(NatTestBed.Client().Tcp(1001, 443, TcpFlags.Syn, []));
        Assert.Equal(!expireQuiescent, next.Server == first.Server);
        Assert.Equal(expireQuiescent ? 1 : 0, bed.Counters.Snapshot().Single(c => c.Key == "persistence_templates_invalidated").Value);
    }

    [Fact]
    public void A_removed_servers_template_is_never_used_again()
    {
        var bed = Bed(Https);
        var first = bed.Forward(NatTestBed.Client().Tcp(1000, 443, TcpFlags.Syn, []));
        Assert.Equal(ServiceTableError.None, bed.Services.DeleteRealServer(Https, NatTestBed.ServerIp(first.Server), 8443));

        var next = bed.Forward(NatTestBed.Client().Tcp(1001, 443, TcpFlags.Syn, []));
        Assert.NotEqual(first.Server, next.Server);

        // The old template still controls the first connection, so it stays (hidden) until that one is gone.
        Assert.Equal(2, bed.Connections.TemplateCount);
    }
}
