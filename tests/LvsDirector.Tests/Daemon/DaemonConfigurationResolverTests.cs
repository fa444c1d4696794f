using LvsDirector.Configuration;
using LvsDirector.Daemon;
using LvsDirector.Tests.Configuration;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Tests.Daemon;

public class DaemonConfigurationResolverTests
{
    private static readonly string Sample = RepositoryRoot.File("samples", "lvsd.yaml");

    [Fact]
    public void WithoutFileOrInterfaceItIsAUsageError()
    {
        var resolved = DaemonConfigurationResolver.Resolve(new CommandLineOptions(), _ => false);

        Assert.Null(resolved.Configuration);
        Assert.NotNull(resolved.UsageError);
    }

    [Fact]
    public void FlagsAloneMakeAConfiguration()
    {
        var resolved = DaemonConfigurationResolver.Resolve(
            new CommandLineOptions { Interfaces = ["eth0"], SocketPath = "/run/t.sock", LogLevel = LogLevel.Warning },
            _ => false);

        Assert.Null(resolved.ConfigPath);
        var config = resolved.Configuration!;
        Assert.Equal(["eth0"], config.Interfaces.Select(i => i.Name));
        Assert.Equal("/run/t.sock", config.Socket.Path);
        Assert.Equal(LogLevel.Warning, config.Logging.Level);
        Assert.Empty(config.Services);
    }

    [Fact]
    public void DefaultFileIsUsedOnlyWhenItExists()
    {
        var asked = new List<string>();

        DaemonConfigurationResolver.Resolve(new CommandLineOptions { Interfaces = ["eth0"] }, p =>
        {
            asked.Add(p);
            return false;
        });

        Assert.Equal([ConfigurationLoader.DefaultPath], asked);
    }

    [Fact]
    public void FlagsExtendInterfacesAndOverrideScalars()
    {
        var resolved = DaemonConfigurationResolver.Resolve(
            new CommandLineOptions { ConfigPath = Sample, Interfaces = ["eth1", "eth2"], SocketPath = "/run/t.sock", LogLevel = LogLevel.Trace },
            _ => throw new InvalidOperationException("--config given; the default path must not be probed"));

        Assert.Equal(Sample, resolved.ConfigPath);
        var config = resolved.Configuration!;
        Assert.Equal(["eth0", "eth1", "eth2"], config.Interfaces.Select(i => i.Name));
        Assert.Equal("/run/t.sock", config.Socket.Path);
        Assert.Equal(LogLevel.Trace, config.Logging.Level);
        Assert.Equal(4, config.Services.Count);
    }

    [Fact]
    public void FileErrorsAreReturned()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lvsd-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, "interfaces: []\nservices: 3\n");
        try
        {
            var resolved = DaemonConfigurationResolver.Resolve(new CommandLineOptions { ConfigPath = path }, _ => true);

            Assert.Null(resolved.Configuration);
            Assert.Null(resolved.UsageError);
            Assert.Equal([("interfaces", 1), ("services", 2)], resolved.Errors.Select(e => (e.Key, e.Line)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CheckConfigReportsOkOrEveryError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(0, ConfigurationCheck.Run(Sample, output, error));
        Assert.Contains("configuration OK", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());

        var bad = Path.Combine(Path.GetTempPath(), $"lvsd-bad-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(bad, "interfaces: [eth0]\nlogging: {level: loud}\noffloads: {disable: maybe}\n");
        try
        {
            using var output2 = new StringWriter();
            using var error2 = new StringWriter();
            Assert.Equal(1, ConfigurationCheck.Run(bad, output2, error2));
            var lines = error2.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.StartsWith($"{bad}:2:", lines[0], StringComparison.Ordinal);
            Assert.StartsWith($"{bad}:3:", lines[1], StringComparison.Ordinal);
            Assert.Empty(output2.ToString());
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
