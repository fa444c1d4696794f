using System.Net;
using LvsDirector.Packets;

namespace LvsDirector.Tests.Packets;

public class Ipv4AddressTests
{
    [Theory]
    [InlineData("198.18.0.1", 0xC6120001u)]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xFFFFFFFFu)]
    [InlineData("198.19.10.2", 0xC6130A02u)]
    public void ParsesAndFormats(string text, uint value)
    {
        Assert.Equal(value, Ipv4Address.Parse(text));
        Assert.True(Ipv4Address.TryParse(text, out uint parsed));
        Assert.Equal(value, parsed);
        Assert.Equal(IPAddress.Parse(text).ToString(), Ipv4Address.Format(value));
        Assert.Equal(value, Ipv4Address.FromIPAddress(IPAddress.Parse(text)));
        Assert.Equal(IPAddress.Parse(text), Ipv4Address.ToIPAddress(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.1.1.1")]
    [InlineData("1..2.3")]
    [InlineData("1.2.3.")]
    [InlineData(".1.2.3")]
    [InlineData("1.2.3.4 ")]
    [InlineData("1.2.3.0004")]
    [InlineData("198.019.1.2")]
    [InlineData("00.1.2.3")]
    [InlineData("a.b.c.d")]
    public void RejectsMalformedText(string text)
    {
        Assert.False(Ipv4Address.TryParse(text, out _));
        Assert.Throws<FormatException>(() => Ipv4Address.Parse(text));
    }

    [Fact]
    public void MappedIpv6IsAcceptedOtherIpv6IsNot()
    {
        Assert.Equal(0xC6120001u, Ipv4Address.FromIPAddress(IPAddress.Parse("::ffff:198.18.0.1")));
        Assert.Throws<ArgumentException>(() => Ipv4Address.FromIPAddress(IPAddress.Parse("2001:db8::1")));
    }
}
