using System.Net;
using LvsDirector.Admin;
using LvsDirector.Control;

namespace LvsDirector.Tests.Admin;

public sealed class HostPortParserTests
{
    private readonly FakeNameService _names = new();

    [Theory]
    [InlineData("198.18.0.1:80", "198.18.0.1", 80)]
    [InlineData("198.18.0.1", "198.18.0.1", null)]
    [InlineData("198.18.0.1:0", "198.18.0.1", 0)]
    [InlineData("198.18.0.1:65535", "198.18.0.1", 65535)]
    [InlineData("198.18.0.1:http", "198.18.0.1", 80)]
    [InlineData("web.test:80", "198.18.0.10", 80)]
    [InlineData("[2001:db8::1]:80", "2001:db8::1", 80)]
    [InlineData("2001:db8::1", "2001:db8::1", null)]
    [InlineData("[2001:db8::1]:domain", "2001:db8::1", 53)]
    public void Accepts_ipvsadm_forms(string text, string address, int? port)
    {
        var parsed = HostPortParser.Parse(text, ControlProtocol.Tcp, _names);

        Assert.NotNull(parsed);
        Assert.Equal(IPAddress.Parse(address), parsed.Address);
        Assert.Equal(port, parsed.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("80")]
    [InlineData("198.18.0.1:65536")]
    [InlineData("198.18.0.1:-1")]
    [InlineData("198.18.0.1:nosuchservice")]
    [InlineData("198.18.0.1:")]
    [InlineData("unknown.test:80")]
    [InlineData(":80")]
    [InlineData("[2001:db8::1]")]
    [InlineData("[2001:db8::1]80")]
    [InlineData("[2001:db8::1:80")]
    [InlineData("[198.18.0.1]:80")]
    public void Rejects_what_ipvsadm_rejects(string text)
    {
        Assert.Null(HostPortParser.Parse(text, ControlProtocol.Tcp, _names));
    }

    [Fact]
    public void Numeric_hosts_never_reach_the_resolver()
    {
        HostPortParser.Parse("198.18.0.1:80", ControlProtocol.Tcp, _names);
        HostPortParser.Parse("[2001:db8::1]:80", ControlProtocol.Tcp, _names);

        Assert.Empty(_names.HostLookups);
    }

    [Theory]
    [InlineData("0", 0L, 10L, 0L)]
    [InlineData("10", 0L, 10L, 10L)]
    [InlineData("11", 0L, 10L, null)]
    [InlineData("-1", 0L, 10L, null)]
    [InlineData("1x", 0L, 10L, null)]
    [InlineData("", 0L, 10L, null)]
    public void ParseNumber_is_string_to_number(string text, long min, long max, long? expected)
    {
        Assert.Equal(expected, HostPortParser.ParseNumber(text, min, max));
    }
}
