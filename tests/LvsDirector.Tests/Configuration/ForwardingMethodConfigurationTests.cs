using LvsDirector.Configuration;
using LvsDirector.Services;

namespace LvsDirector.Tests.Configuration;

public class ForwardingMethodConfigurationTests
{
    [Fact]
    public void Route_tunnel_and_gue_are_accepted()
    {
        const string Text =
            """
            interfaces: [eth0]
            services:
              - protocol: tcp
                address: 198.18.0.100
                port: 80
                real_servers:
                  - { address: 198.18.0.11 }
                  - { address: 198.20.0.11, method: tunnel }
                  - { address: 198.20.0.12, port: 80, method: tunnel, tun_type: gue, tun_port: 6080 }
            """;

        var result = ConfigurationLoader.LoadFromText(Text, "lvsd.yaml");

        Assert.True(result.Succeeded, string.Join('\n', result.Errors));
        var servers = result.Configuration!.Services[0].RealServers;
        Assert.Equal(ForwardingMethod.DirectRouting, servers[0].Method);
        Assert.Equal((ForwardingMethod.Tunnel, TunnelType.Ipip, (ushort)0), (servers[1].Method, servers[1].TunnelType, servers[1].TunnelPort));
        Assert.Equal((ForwardingMethod.Tunnel, TunnelType.Gue, (ushort)6080), (servers[2].Method, servers[2].TunnelType, servers[2].TunnelPort));
        var spec = ConfigurationApplier.ToSpec(servers[2]);
        Assert.Equal((TunnelType.Gue, (ushort)6080), (spec.TunnelType, spec.TunnelPort));
    }

    [Theory]
    [InlineData("{ address: 198.18.0.11, port: 8080, method: route }", "services[0].real_servers[0].port", "must equal the service port")]
    [InlineData("{ address: 198.18.0.11, method: tunnel, tun_type: gue }", "services[0].real_servers[0].tun_port", "is required")]
    [InlineData("{ address: 198.18.0.11, method: tunnel, tun_type: gre }", "services[0].real_servers[0].tun_type", "unknown tunnel type")]
    [InlineData("{ address: 198.18.0.11, method: route, tun_type: gue, tun_port: 1 }", "services[0].real_servers[0].tun_type", "only applies to method: tunnel")]
    [InlineData("{ address: 198.18.0.11, method: tunnel, tun_port: 6080 }", "services[0].real_servers[0].tun_port", "only applies to tun_type: gue")]
    public void Inconsistent_tunnel_settings_are_refused(string server, string key, string message)
    {
        var text = "interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 198.18.0.100\n    port: 80\n    real_servers:\n      - " + server + "\n";

        var result = ConfigurationLoader.LoadFromText(text, "lvsd.yaml");

        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Key == key && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Gue_to_an_ipv6_real_server_is_refused_because_ipv6_tunnels_are_6in6()
    {
        const string text = "interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 2001:db8::100\n    port: 80\n    real_servers:\n"
            + "      - { address: 2001:db8:2::11, method: tunnel, tun_type: gue, tun_port: 6080 }\n"
            + "      - { address: 2001:db8:2::12, method: tunnel, tun_type: ipip }\n";

        var result = ConfigurationLoader.LoadFromText(text, "lvsd.yaml");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal("services[0].real_servers[0].tun_type", error.Key);
        Assert.Contains("6in6", error.Message, StringComparison.Ordinal);
    }
}
