using LvsDirector.Admin;

namespace LvsDirector.Tests.Admin.Import;

/// <summary>lvsadm import through lvsadm's own entry point, with real files.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("lvsd-import-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = Program.Run(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void KeepalivedPrintsYamlOnStdoutAndWarningsOnStderr()
    {
        var path = Write("keepalived.conf", "virtual_server 198.18.0.10 80 {\n  lb_algo rr\n  real_server 198.18.1.11 80 {\n    HTTP_GET {\n      url { path / }\n    }\n  }\n}\n");

        var (exitCode, stdout, stderr) = Run("import", "keepalived", path);

        Assert.Equal(0, exitCode);
        Assert.StartsWith($"# lvsd configuration translated by `lvsadm import keepalived` from {path}.", stdout, StringComparison.Ordinal);
        Assert.Equal("rr", Assert.Single(ImportTestSupport.Load(stdout).Services).Scheduler);
        Assert.Contains("    health_check:\n      type: http\n      interval: 60s\n      retry_interval: 3s\n      fall: 2\n      path: \"/\"\n", stdout, StringComparison.Ordinal);
        Assert.Contains("set the capture interfaces", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("HTTP_GET", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void OutputOptionWritesTheFileInstead()
    {
        var path = Write("ldirectord.cf", "virtual=198.18.0.10:80\n\treal=198.18.1.11:80 masq 2\n\tchecktype=connect\n");
        var output = Path.Combine(_directory.FullName, "lvsd.yaml");

        var (exitCode, stdout, stderr) = Run("import", "ldirectord", path, "-o", output);

        Assert.Equal(0, exitCode);
        Assert.Empty(stdout);
        Assert.DoesNotContain("checktype", stderr, StringComparison.Ordinal);
        Assert.Contains("    health_check:\n      type: tcp\n", File.ReadAllText(output), StringComparison.Ordinal);
        var server = Assert.Single(Assert.Single(ImportTestSupport.Load(File.ReadAllText(output)).Services).RealServers);
        Assert.Equal(2, server.Weight);
    }

    [Fact]
    public void TheShippedSamplesTranslateAndLoad()
    {
        var samples = FindSamples();
        var (keepalivedExit, keepalivedYaml, keepalivedErrors) = Run("import", "keepalived", Path.Combine(samples, "keepalived.conf"));
        var (ldirectordExit, ldirectordYaml, _) = Run("import", "ldirectord", Path.Combine(samples, "ldirectord.cf"));

        Assert.Equal(0, keepalivedExit);
        Assert.Equal(0, ldirectordExit);
        Assert.Equal(7, ImportTestSupport.Load(keepalivedYaml).Services.Count);
        Assert.Equal(4, ImportTestSupport.Load(ldirectordYaml).Services.Count);
        Assert.Contains("keepalived.conf:122: PING_CHECK health check not carried over (lvsd runs one check per real server)", keepalivedErrors, StringComparison.Ordinal);
        Assert.Contains("      - { address: 198.18.1.11, port: 8080, weight: 3, method: masq, upper_threshold: 2000, lower_threshold: 1500, health_check: { type: http, retry_interval: 2s, timeout: 3s, initial: down, path: \"/health\", status: [200] } }\n", keepalivedYaml, StringComparison.Ordinal);
        Assert.Equal(4, keepalivedYaml.Split("      type: https\n").Length - 1); // the group's four services share their check
        Assert.Contains("      command: \"/usr/local/bin/check-app 3 0 %a %p\"\n", ldirectordYaml, StringComparison.Ordinal);
        Assert.Contains("    sorry_server:\n      address: 198.18.1.99\n      port: 8080\n      method: masq\n", ldirectordYaml, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseErrorExitsNonZeroWithTheLineAndPrintsNothing()
    {
        var path = Write("keepalived.conf", "virtual_server 198.18.0.10 80 {\n  real_server 198.18.1.11 80 {\n    weight 1\n}\n");

        var (exitCode, stdout, stderr) = Run("import", "keepalived", path);

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        Assert.Contains($"{path}:1: '{{' opened here is never closed (unbalanced braces)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileIsAnError()
    {
        var (exitCode, stdout, stderr) = Run("import", "ldirectord", Path.Combine(_directory.FullName, "absent.cf"));

        Assert.Equal(1, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("cannot read the file", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("import")]
    [InlineData("import", "haproxy", "x.cfg")]
    [InlineData("import", "keepalived")]
    [InlineData("import", "keepalived", "a", "b")]
    [InlineData("import", "keepalived", "a", "-o")]
    [InlineData("import", "keepalived", "a", "--verbose")]
    public void BadUsageExitsTwo(params string[] args)
    {
        var (exitCode, stdout, stderr) = Run(args);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Contains("Usage:", stderr, StringComparison.Ordinal);
    }

    private static string FindSamples()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "samples");
            if (File.Exists(Path.Combine(candidate, "keepalived.conf")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("samples/ not found above the test directory");
    }
}
