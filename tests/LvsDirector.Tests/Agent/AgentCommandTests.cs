using System.Net;
using LvsDirector.Agent;

namespace LvsDirector.Tests.Agent;

public sealed class AgentCommandTests
{
    [Fact]
    public void AcceptsIpv4AndIpv6VipsTogether()
    {
        var command = AgentCommand.Parse(["setup", "--vip", "198.18.0.100", "--vip", "2001:db8::100", "--mode", "tun"]);

        Assert.Equal([IPAddress.Parse("198.18.0.100"), IPAddress.Parse("2001:db8::100")], command.Vips);
        Assert.Equal("tun", command.Mode);
    }

    [Theory]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:198.18.0.100")]
    [InlineData("not-an-address")]
    public void RefusesAddressesThatCannotBeAVip(string vip)
    {
        var error = Assert.Throws<ArgumentException>(() => AgentCommand.Parse(["setup", "--vip", vip]));

        Assert.Contains(vip, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("198.18.0.100", "198.18.0.100/32")]
    [InlineData("2001:db8::100", "2001:db8::100/128")]
    public void VipGoesOnLoAsAHostPrefix(string vip, string expected) =>
        Assert.Equal(expected, AgentSetup.Cidr(IPAddress.Parse(vip)));
}
