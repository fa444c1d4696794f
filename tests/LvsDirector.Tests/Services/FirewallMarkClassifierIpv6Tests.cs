using System.Net;
using LvsDirector.Packets;
using LvsDirector.Services;

namespace LvsDirector.Tests.Services;

public sealed class FirewallMarkClassifierIpv6Tests
{
    private static readonly FirewallMarkClassifier Classifier = new(
    [
        new FirewallMarkRule(1, FirewallMarkProtocol.Tcp, IPAddress.Parse("2001:db8:a::"), 64, [new PortRange(80, 80), new PortRange(8000, 8080)]),
        new FirewallMarkRule(2, FirewallMarkProtocol.Any, IPAddress.Parse("198.18.0.0"), 24, []),
        new FirewallMarkRule(3, FirewallMarkProtocol.Udp, IPAddress.Parse("2001:db8::"), 32, []),
        new FirewallMarkRule(4, FirewallMarkProtocol.Any, IPAddress.Parse("::"), 0, []),
    ]);

    [Theory]
    [InlineData(6, "2001:db8:a::1", 80, 1u)]
    [InlineData(6, "2001:db8:a:0:ffff::1", 8080, 1u)]
    [InlineData(6, "2001:db8:a::1", 443, 4u)]
    [InlineData(17, "2001:db8:a::1", 80, 3u)]
    [InlineData(17, "2001:db8:ffff::1", 53, 3u)]
    [InlineData(6, "2001:db9::1", 80, 4u)]
    public void The_first_matching_ipv6_rule_wins(byte protocol, string destination, ushort port, uint mark)
    {
        Assert.Equal(mark, Classifier.Classify6(protocol, Ipv6Address.Parse(destination), port));
    }

    [Fact]
    public void Ipv4_frames_see_ipv4_rules_only()
    {
        Assert.Equal(2u, Classifier.Classify(6, Ipv4Address.Parse("198.18.0.9"), 80));
        Assert.Equal(0u, Classifier.Classify(6, Ipv4Address.Parse("198.19.0.9"), 80));
        Assert.True(Classifier.HasIpv4Rules);
        Assert.True(Classifier.HasIpv6Rules);
    }

    [Fact]
    public void Host_bits_of_a_prefix_are_cleared_and_only_128_bit_rules_are_vips()
    {
        var classifier = new FirewallMarkClassifier(
        [
            new FirewallMarkRule(5, FirewallMarkProtocol.Tcp, IPAddress.Parse("2001:db8::1:2"), 112, []),
            new FirewallMarkRule(5, FirewallMarkProtocol.Tcp, IPAddress.Parse("2001:db8::100"), 128, []),
        ]);

        Assert.Equal(5u, classifier.Classify6(6, Ipv6Address.Parse("2001:db8::1:ffff"), 1));
        Assert.Equal([Ipv6Address.Parse("2001:db8::100")], classifier.HostAddressesFor6(5));
        Assert.Empty(classifier.HostAddressesFor(5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FirewallMarkClassifier([new FirewallMarkRule(1, FirewallMarkProtocol.Any, IPAddress.IPv6Any, 129, [])]));
    }
}
