using System.Net;
using LvsDirector.Configuration;
using LvsDirector.Services;

namespace LvsDirector.Tests.Configuration;

public sealed class Ipv6ConfigurationTests
{
    private const string File = """
        interfaces:
          - name: eth0
            addresses: [198.18.0.1/24, 2001:db8:1::1/64, fe80::1/64]
          - eth1
        firewall_marks:
          - { mark: 5, protocol: tcp, destination: 2001:db8::100, ports: [80, 443] }
          - { mark: 6, protocol: any, destination: '2001:db8:6::/48' }
          - { mark: 6, protocol: any, destination: 198.18.6.0/24 }
        services:
          - protocol: tcp
            address: 2001:db8::10
            port: 80
            scheduler: sh
            persistence: { timeout: 600, prefix_length: 64 }
            real_servers:
              - { address: '2001:db8:1::11', port: 8080, method: masq }
              - { address: '[2001:db8:1::12]', port: 8080, method: masq }
          - protocol: udp
            address: 2001:db8::10
            port: 53
            real_servers:
              - { address: '2001:db8:1::11', method: route }
          - fwmark: 5
            real_servers:
              - { address: '2001:db8:1::11', method: tunnel }
          - fwmark: 6
            family: ipv6
            real_servers: []
          - fwmark: 6
            family: ipv4
            real_servers: []
        """;

    [Fact]
    public void Ipv6_services_interface_addresses_and_marks_load()
    {
        var result = ConfigurationLoader.LoadFromText(File, "v6.yaml");

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        var config = result.Configuration;
        Assert.Equal(
            [new InterfaceAddress(IPAddress.Parse("198.18.0.1"), 24), new InterfaceAddress(IPAddress.Parse("2001:db8:1::1"), 64), new InterfaceAddress(IPAddress.Parse("fe80::1"), 64)],
            config.Interfaces[0].Addresses);
        Assert.True(config.Interfaces[0].Addresses[1].IsIpv6);
        Assert.Empty(config.Interfaces[1].Addresses);

        var web = config.Services[0];
        Assert.Equal(new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::10"), 80), web.Key);
        Assert.True(web.IsIpv6);
        Assert.Equal(64, web.Persistence!.PrefixLength);
        Assert.Equal([IPAddress.Parse("2001:db8:1::11"), IPAddress.Parse("2001:db8:1::12")], web.RealServers.Select(s => s.Address));
        Assert.Equal(53, config.Services[1].RealServers[0].Port);

        Assert.Equal(ServiceKey.ForFwmark(5, ipv6: true), config.Services[2].Key);
        Assert.Equal(ServiceKey.ForFwmark(6, ipv6: true), config.Services[3].Key);
        Assert.Equal(ServiceKey.ForFwmark(6), config.Services[4].Key);
        Assert.Equal(IPAddress.Parse("2001:db8::100"), config.FirewallMarks[0].Destination);
        Assert.Equal(128, config.FirewallMarks[0].PrefixLength);
        Assert.Equal((IPAddress.Parse("2001:db8:6::"), 48), (config.FirewallMarks[1].Destination, config.FirewallMarks[1].PrefixLength));

        var spec = ConfigurationApplier.ToSpec(web);
        Assert.Equal(64, spec.PersistencePrefixLength);
        Assert.Null(spec.PersistenceNetmask);
    }

    [Fact]
    public void The_loaded_file_applies_to_a_service_table()
    {
        var config = ConfigurationLoader.LoadFromText(File, "v6.yaml").Configuration!;
        var table = new ServiceTable();

        Assert.Empty(ConfigurationApplier.ApplyServices(config, table));

        var snapshot = table.Current;
        Assert.Equal(5, snapshot.Services.Count);
        Assert.Equal(64, snapshot.Services[0].Persistence!.Ipv6PrefixLength);
        Assert.True(snapshot.TryFindForPacket6(6, LvsDirector.Packets.Ipv6Address.Parse("2001:db8::100"), 443, out var marked));
        Assert.Equal(5u, marked.Fwmark);
    }

    [Theory]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 'fe80::1', port: 80}\n", 3, 30, "services[0].address", "link-local")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 'ff02::1', port: 80}\n", 3, 30, "services[0].address", "not a global unicast")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: '2001:db8::1%eth0', port: 80}\n", 3, 30, "services[0].address", "zone id")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: '2001:db8::g', port: 80}\n", 3, 30, "services[0].address", "not an IPv6 address")]
    [InlineData("interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 2001:db8::1\n    port: 80\n    real_servers:\n      - {address: 198.18.1.1, method: tunnel}\n", 7, 19, "services[0].real_servers[0].address", "do not mix")]
    [InlineData("interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 198.18.0.1\n    port: 80\n    real_servers:\n      - {address: '2001:db8::11', method: masq}\n", 7, 19, "services[0].real_servers[0].address", "IPv6 real server for an IPv4 service")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: '2001:db8::1', port: 80, persistence: {netmask: 255.255.255.0}}\n", 3, 78, "services[0].persistence.netmask", "prefix_length")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: '2001:db8::1', port: 80, persistence: {prefix_length: 0}}\n", 3, 84, "services[0].persistence.prefix_length", "between 1 and 128")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, persistence: {prefix_length: 64}}\n", 3, 81, "services[0].persistence.prefix_length", "IPv6 services")]
    [InlineData("interfaces:\n  - {name: eth0, addresses: [2001:db8::1]}\n", 2, 30, "interfaces[0].addresses[0]", "needs a prefix length")]
    [InlineData("interfaces:\n  - {name: eth0, addresses: ['2001:db8::1/129']}\n", 2, 30, "interfaces[0].addresses[0]", "/1 to /128")]
    [InlineData("interfaces:\n  - {name: eth0, addresses: [198.18.0.1/24, 198.18.0.1/25]}\n", 2, 45, "interfaces[0].addresses[1]", "already listed")]
    [InlineData("interfaces: [eth0]\nfirewall_marks:\n  - {mark: 1, destination: '2001:db8::/129'}\n", 3, 28, "firewall_marks[0].destination", "/0 to /128")]
    [InlineData("interfaces: [eth0]\nfirewall_marks:\n  - {mark: 1, destination: '2001:db8::/64'}\n  - {mark: 1, destination: 198.18.0.1}\nservices:\n  - {fwmark: 1}\n", 6, 14, "services[0].family", "IPv4 and IPv6 rules")]
    [InlineData("interfaces: [eth0]\nfirewall_marks:\n  - {mark: 1, destination: '2001:db8::/64'}\nservices:\n  - {fwmark: 1, family: ipv4}\n", 5, 25, "services[0].family", "no IPv4 'firewall_marks' rule")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: '2001:db8::1', port: 80, family: ipv6}\n", 3, 63, "services[0].family", "only a firewall-mark service")]
    public void Ipv6_mistakes_are_reported_with_their_position(string text, int line, int column, string key, string messagePart)
    {
        var result = ConfigurationLoader.LoadFromText(text, "t.yaml");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal((line, column, key), (error.Line, error.Column, error.Key));
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }
}
