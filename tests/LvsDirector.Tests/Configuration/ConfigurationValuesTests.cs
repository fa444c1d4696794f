using System.Net;
using LvsDirector.Configuration;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Tests.Configuration;

public class ConfigurationValuesTests
{
    [Theory]
    [InlineData("198.18.0.1", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("255.255.255.255", true)]
    [InlineData("198.18.1", false)]
    [InlineData("198.18.0.256", false)]
    [InlineData("198.18.00.1", false)]
    [InlineData("0x7f.0.0.1", false)]
    [InlineData("198.18.0.1.", false)]
    [InlineData(" 198.18.0.1", false)]
    [InlineData("", false)]
    public void IPv4IsStrictDottedQuad(string text, bool valid)
    {
        Assert.Equal(valid, ConfigurationValues.TryParseIPv4(text, out var address));
        if (valid)
        {
            Assert.Equal(IPAddress.Parse(text), address);
        }
    }

    [Theory]
    [InlineData("90", 90_000)]
    [InlineData("90s", 90_000)]
    [InlineData("250ms", 250)]
    [InlineData("5m", 300_000)]
    [InlineData("2h", 7_200_000)]
    public void DurationsParse(string text, long milliseconds)
    {
        Assert.Null(ConfigurationValues.ParseDuration(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("1.5s")]
    [InlineData("-1")]
    [InlineData("10 s")]
    [InlineData("3d")]
    public void BadDurationsAreRejected(string text) =>
        Assert.NotNull(ConfigurationValues.ParseDuration(text, out _));

    [Theory]
    [InlineData("255.255.255.255", true)]
    [InlineData("255.255.255.0", true)]
    [InlineData("0.0.0.0", true)]
    [InlineData("255.255.0.255", false)]
    [InlineData("0.255.255.255", false)]
    public void NetmasksMustBeContiguous(string text, bool valid) =>
        Assert.Equal(valid, ConfigurationValues.ParseNetmask(text, out _) is null);

    [Theory]
    [InlineData("eth0", true)]
    [InlineData("veth-lvs.1234", true)]
    [InlineData("", false)]
    [InlineData("sixteen-chars-xx", false)]
    [InlineData("a/b", false)]
    [InlineData("a b", false)]
    [InlineData("..", false)]
    public void InterfaceNames(string name, bool valid) =>
        Assert.Equal(valid, ConfigurationValues.ValidateInterfaceName(name) is null);

    [Theory]
    [InlineData("info", LogLevel.Information)]
    [InlineData("Warning", LogLevel.Warning)]
    [InlineData("warn", LogLevel.Warning)]
    [InlineData("none", LogLevel.None)]
    public void LogLevels(string text, LogLevel expected)
    {
        Assert.True(ConfigurationValues.TryParseLogLevel(text, out var level));
        Assert.Equal(expected, level);
    }

    [Theory]
    [InlineData("real-servers", "real_servers")]
    [InlineData("Weight", "weight")]
    [InlineData("wieght", "weight")]
    [InlineData("xyzzy", null)]
    public void NearestSuggestsOnlyCloseKeys(string text, string? expected) =>
        Assert.Equal(expected, ConfigurationValues.Nearest(text, ["address", "port", "weight", "method", "real_servers"]));

    [Fact]
    public void SocketPathLengthIsLimitedToSunPath()
    {
        Assert.Null(ConfigurationValues.ValidateSocketPath("/" + new string('a', 106)));
        Assert.NotNull(ConfigurationValues.ValidateSocketPath("/" + new string('a', 107)));
    }
}
