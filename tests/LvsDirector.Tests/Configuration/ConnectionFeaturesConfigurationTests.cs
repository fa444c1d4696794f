using System.Net;
using LvsDirector.Configuration;
using LvsDirector.Services;

namespace LvsDirector.Tests.Configuration;

public class ConnectionFeaturesConfigurationTests
{
    private const string Valid =
        """
        interfaces: [eth0]
        connections:
          table_size: 16777216
          sloppy_tcp: true
          expire_nodest_conn: true
          expire_quiescent_template: true
          one_packet_reply_timeout: 3s
          timeouts: { tcp: 1h, tcp_fin: 30, udp: 45s }
        firewall_marks:
          - { mark: 1, protocol: tcp, destination: 198.18.0.100/32, ports: [80, 443] }
          - { mark: 2, destination: 198.18.0.101, ports: "8000-8080" }
          - { mark: 2, protocol: udp, destination: 198.18.7.9/24 }
        services:
          - fwmark: 1
            scheduler: rr
            persistence: { timeout: 600, netmask: 255.255.255.0 }
            real_servers:
              - { address: 198.19.0.11, method: masq, upper_threshold: 100, lower_threshold: 80 }
              - { address: 198.19.0.12, port: 8443, method: masq }
          - protocol: tcp
            address: 198.18.0.102
            port: 0
            scheduler: rr
            persistence: {}
            real_servers:
              - { address: 198.19.0.11, method: masq }
          - protocol: udp
            address: 198.18.0.103
            port: 53
            scheduler: rr
            one_packet: true
        """;

    [Fact]
    public void Every_new_key_is_read_and_applied()
    {
        var result = ConfigurationLoader.LoadFromText(Valid, "features.yaml");
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        var config = result.Configuration;

        Assert.Equal(16_777_216, config.Connections.TableSize);
        Assert.True(config.Connections.SloppyTcp && config.Connections.ExpireNodestConn && config.Connections.ExpireQuiescentTemplate);
        Assert.Equal(TimeSpan.FromHours(1), config.Connections.TcpTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Connections.TcpFinTimeout);
        Assert.Equal(TimeSpan.FromSeconds(45), config.Connections.UdpTimeout);

        Assert.Equal(3, config.FirewallMarks.Count);
        Assert.Equal([new PortRange(80, 80), new PortRange(443, 443)], config.FirewallMarks[0].Ports);
        Assert.Equal(FirewallMarkProtocol.Any, config.FirewallMarks[1].Protocol);
        Assert.Equal(32, config.FirewallMarks[1].PrefixLength);
        Assert.Equal([new PortRange(8000, 8080)], config.FirewallMarks[1].Ports);
        Assert.Equal(IPAddress.Parse("198.18.7.0"), config.FirewallMarks[2].Destination);

        var marked = config.Services[0];
        Assert.Equal(ServiceKey.ForFwmark(1), marked.Key);
        Assert.Equal(0, marked.RealServers[0].Port);
        Assert.Equal(100u, marked.RealServers[0].UpperThreshold);
        Assert.Equal(80u, marked.RealServers[0].LowerThreshold);
        Assert.Equal(8443, marked.RealServers[1].Port);
        Assert.Equal(0, config.Services[1].Port);
        Assert.Equal(TimeSpan.FromSeconds(300), config.Services[1].Persistence!.Timeout);
        Assert.Equal(0, config.Services[1].RealServers[0].Port);
        Assert.True(config.Services[2].OnePacket);

        var settings = ConfigurationApplier.ToSettings(config);
        Assert.True(settings.Options.SloppyTcp && settings.Options.ExpireNodestConn && settings.Options.ExpireQuiescentTemplate);
        Assert.Equal(3u, settings.Options.OnePacketReplySeconds);
        Assert.Equal(TimeSpan.FromHours(1), settings.Timeouts.Established);

        var table = new ServiceTable();
        Assert.Empty(ConfigurationApplier.ApplyServices(config, table));
        var snapshot = table.Current;
        Assert.True(snapshot.HasFwmarkServices);
        Assert.Equal(600u, snapshot.Services[0].Persistence!.TimeoutSeconds);
        Assert.Equal(0xFFFF_FF00u, snapshot.Services[0].Persistence!.Netmask);
        Assert.True(snapshot.Services[2].OnePacket);
        Assert.Equal(100u, snapshot.Services[0].Servers[0].UpperThreshold);
    }

    [Theory]
    [InlineData("connections:\n  table_size: 16777217\n", "connections.table_size", "between 256 and 16777216")]
    [InlineData("connections:\n  sloppy_tcp: yes\n", "connections.sloppy_tcp", "true or false")]
    [InlineData("connections:\n  timeouts: {tcp: 0}\n", "connections.timeouts.tcp", "between")]
    [InlineData("connections:\n  timeouts: {tcpfin: 10}\n", "connections.timeouts.tcpfin", "did you mean 'tcp_fin'")]
    [InlineData("firewall_marks:\n  - {mark: 0, destination: 198.18.0.1}\n", "firewall_marks[0].mark", "between 1 and")]
    [InlineData("firewall_marks:\n  - {mark: 1, destination: 198.18.0.1/33}\n", "firewall_marks[0].destination", "prefix length")]
    [InlineData("firewall_marks:\n  - {mark: 1, destination: 198.18.0.1, ports: \"90-80\"}\n", "firewall_marks[0].ports", "empty range")]
    [InlineData("firewall_marks:\n  - {mark: 1, destination: 198.18.0.1, ports: [80, 0]}\n", "firewall_marks[0].ports[1]", "not a port")]
    [InlineData("firewall_marks:\n  - {mark: 1, protocol: icmp, destination: 198.18.0.1}\n", "firewall_marks[0].protocol", "tcp, udp or any")]
    [InlineData("firewall_marks:\n  - {mark: 1}\n", "firewall_marks[0].destination", "is required")]
    [InlineData("services:\n  - {fwmark: 5, scheduler: rr}\n", "services[0].fwmark", "no 'firewall_marks' rule sets mark 5")]
    [InlineData("firewall_marks: [{mark: 5, destination: 198.18.0.1}]\nservices:\n  - {fwmark: 5, port: 80, scheduler: rr}\n", "services[0].port", "no protocol, address or port")]
    [InlineData("services:\n  - {protocol: tcp, address: 198.18.0.1, port: 0, scheduler: rr}\n", "services[0].port", "only for persistent services")]
    [InlineData("services:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, scheduler: rr, one_packet: true}\n", "services[0].one_packet", "only for UDP")]
    [InlineData("services:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, scheduler: rr, real_servers: [{address: 198.19.0.1, port: 0, method: masq}]}\n", "services[0].real_servers[0].port", "port 0")]
    [InlineData("services:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, scheduler: rr, real_servers: [{address: 198.19.0.1, method: masq, upper_threshold: 5, lower_threshold: 6}]}\n", "services[0].real_servers[0].lower_threshold", "must not be above upper_threshold")]
    [InlineData("services:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, scheduler: rr, scheduler_flags: [sh-port]}\n", "services[0].scheduler_flags", "do not apply to scheduler 'rr'")]
    [InlineData("services:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, scheduler: sh, scheduler_flags: [sh-bogus]}\n", "services[0].scheduler_flags", "do not apply")]
    public void New_keys_are_validated(string body, string key, string messagePart)
    {
        var result = ConfigurationLoader.LoadFromText("interfaces: [eth0]\n" + body, "bad.yaml");
        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors, e => e.Key == key);
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
        Assert.True(error.Line > 1);
    }

    [Fact]
    public void Scheduler_flags_reach_the_service_spec()
    {
        var result = ConfigurationLoader.LoadFromText(
            "interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, scheduler: sh, scheduler_flags: [sh-fallback, sh-port]}\n", "flags.yaml");
        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        var spec = ConfigurationApplier.ToSpec(Assert.Single(result.Configuration!.Services));
        Assert.Equal(LvsDirector.Scheduling.SchedulerFlags.Fallback | LvsDirector.Scheduling.SchedulerFlags.Port, spec.SchedulerFlags);
    }
}
