using System.Net;
using LvsDirector.Configuration;

namespace LvsDirector.Tests.HighAvailability;

public class VrrpConfigurationTests
{
    private const string Head =
        """
        interfaces: [eth0, eth1]
        services:
          - protocol: tcp
            address: 198.18.0.100
            port: 80
            real_servers:
              - address: 198.19.0.11
        """;

    [Fact]
    public void Without_a_vrrp_section_there_is_no_vrrp()
    {
        var result = ConfigurationLoader.LoadFromText(Head, "lvsd.yaml");
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        Assert.Null(result.Configuration.Vrrp);
    }

    [Fact]
    public void Reads_every_key()
    {
        var result = ConfigurationLoader.LoadFromText(
            Head + """

            vrrp:
              interface: eth0
              virtual_router_id: 51
              priority: 150
              advert_interval: 500ms
              preempt: false
              preempt_delay: 30s
              version: 3
              unicast_peers: [198.18.0.5, 198.18.0.6]
            """,
            "lvsd.yaml");

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        var vrrp = result.Configuration.Vrrp!;
        Assert.Equal("eth0", vrrp.Interface);
        Assert.Equal(51, vrrp.VirtualRouterId);
        Assert.Equal(150, vrrp.Priority);
        Assert.Equal(TimeSpan.FromMilliseconds(500), vrrp.AdvertInterval);
        Assert.False(vrrp.Preempt);
        Assert.Equal(TimeSpan.FromSeconds(30), vrrp.PreemptDelay);
        Assert.Equal(3, vrrp.Version);
        Assert.Equal([IPAddress.Parse("198.18.0.5"), IPAddress.Parse("198.18.0.6")], vrrp.UnicastPeers);
    }

    [Fact]
    public void Defaults_follow_keepalived()
    {
        var result = ConfigurationLoader.LoadFromText(Head + "\nvrrp: {interface: eth0, virtual_router_id: 7}\n", "lvsd.yaml");
        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        var vrrp = result.Configuration.Vrrp!;
        Assert.Equal(100, vrrp.Priority);
        Assert.Equal(TimeSpan.FromSeconds(1), vrrp.AdvertInterval);
        Assert.True(vrrp.Preempt);
        Assert.Equal(TimeSpan.Zero, vrrp.PreemptDelay);
        Assert.Equal(3, vrrp.Version);
        Assert.Empty(vrrp.UnicastPeers);
        Assert.Equal(vrrp, vrrp with { UnicastPeers = [] });
    }

    [Fact]
    public void Every_error_is_named_by_line_column_and_key()
    {
        var result = ConfigurationLoader.LoadFromText(
            Head + """

            vrrp:
              interface: eth9
              priority: 0
              advert_interval: 1500ms
              version: 2
              preempt: yes
              preempt_delay: 2000s
              unicast_peers: [198.18.0.5, 224.0.0.18, 198.18.0.5]
              colour: blue
            """,
            "lvsd.yaml");

        Assert.False(result.Succeeded);
        Assert.Equal(
            [
                (9, 3, "vrrp.virtual_router_id"),
                (9, 14, "vrrp.interface"),
                (10, 13, "vrrp.priority"),
                (11, 20, "vrrp.advert_interval"),
                (13, 12, "vrrp.preempt"),
                (14, 18, "vrrp.preempt_delay"),
                (15, 31, "vrrp.unicast_peers[1]"),
                (15, 43, "vrrp.unicast_peers[2]"),
                (16, 3, "vrrp.colour"),
            ],
            result.Errors.Select(e => (e.Line, e.Column, e.Key)));
        Assert.Contains("whole seconds with version 2", result.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("eth0, eth1", result.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void V3_interval_must_fit_centiseconds()
    {
        var result = ConfigurationLoader.LoadFromText(
            Head + "\nvrrp: {interface: eth0, virtual_router_id: 7, advert_interval: 15ms}\n", "lvsd.yaml");
        var error = Assert.Single(result.Errors);
        Assert.Equal("vrrp.advert_interval", error.Key);
        Assert.Contains("10ms", error.Message, StringComparison.Ordinal);

        result = ConfigurationLoader.LoadFromText(
            Head + "\nvrrp: {interface: eth0, virtual_router_id: 7, advert_interval: 41s}\n", "lvsd.yaml");
        Assert.Equal("vrrp.advert_interval", Assert.Single(result.Errors).Key);
    }
}
