using LvsDirector.Daemon;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Tests.Daemon;

public class CommandLineParserTests
{
    [Fact]
    public void ParsesEveryFlagInBothSpellings()
    {
        var options = CommandLineParser.Parse(
            ["--config", "/etc/x.yaml", "--interface=eth0", "--interface", "eth1", "--interface", "eth0",
             "--socket=/run/x.sock", "--log-level", "debug"]);

        Assert.Equal("/etc/x.yaml", options.ConfigPath);
        Assert.Equal(["eth0", "eth1"], options.Interfaces);
        Assert.Equal("/run/x.sock", options.SocketPath);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
        Assert.Null(options.CheckConfigPath);
    }

    [Fact]
    public void NothingGivenMeansDefaults()
    {
        var options = CommandLineParser.Parse([]);

        Assert.Equal(new CommandLineOptions { Interfaces = options.Interfaces }, options);
        Assert.Empty(options.Interfaces);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("stray")]
    [InlineData("--config")]
    [InlineData("--config", "--interface", "eth0")]
    [InlineData("--config=")]
    [InlineData("--socket", "relative.sock")]
    [InlineData("--log-level", "loud")]
    [InlineData("--workers", "0")]
    [InlineData("--workers", "257")]
    [InlineData("--workers", "-1")]
    [InlineData("--workers", "two")]
    [InlineData("--interface", "has space")]
    [InlineData("--config", "a", "--config", "b")]
    [InlineData("--help=yes")]
    [InlineData("--check-config", "a.yaml", "--interface", "eth0")]
    [InlineData("--check-config", "a.yaml", "--socket", "/run/a.sock")]
    public void BadUsageIsRejected(params string[] args) =>
        Assert.Throws<UsageException>(() => CommandLineParser.Parse(args));

    [Fact]
    public void WorkersTakesACountOrAuto()
    {
        Assert.Equal(4, CommandLineParser.Parse(["--workers", "4"]).Workers);
        Assert.Equal(0, CommandLineParser.Parse(["--workers=auto"]).Workers);
        Assert.Null(CommandLineParser.Parse([]).Workers);
    }

    [Fact]
    public void HelpVersionAndCheck()
    {
        Assert.True(CommandLineParser.Parse(["-h"]).ShowHelp);
        Assert.True(CommandLineParser.Parse(["--version"]).ShowVersion);
        Assert.Equal("a.yaml", CommandLineParser.Parse(["--check-config", "a.yaml"]).CheckConfigPath);
    }
}
