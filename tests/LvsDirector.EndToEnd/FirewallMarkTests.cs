using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// ipvsadm -f: a firewall-mark service groups ports. lvsd marks packets by rules from its config file
/// (top-level firewall_marks), so this test starts a second lvsd from a file with a rule for VIP tcp/80 and
/// tcp/443 and no services, and builds the service with lvsadm only.
/// </summary>
[Collection(TwoArmLab.Name)]
public sealed class FirewallMarkTests : DirectorTestBase
{
    /// <summary>The config the second lvsd reads; SOCKET is replaced by its socket path.</summary>
    private const string ConfigTemplate = """
        interfaces:
          - eth0
          - eth1
        socket:
          path: SOCKET
        logging:
          level: debug
        firewall_marks:
          - protocol: tcp
            destination: 198.18.0.100/32
            ports: [80, 443]
            mark: 1
        """;

    public FirewallMarkTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task FwmarkPersistentService_SendsPort80And443OfOneClientToTheSameServer()
    {
        // The fixture's lvsd has an empty table (reset), so only the second one owns the VIP.
        var socket = Path.Combine(Lab.LabDirectory, "lvsd-fwm.sock");
        var config = Path.Combine(Lab.LabDirectory, "lvsd-fwm.yaml");
        var log = Path.Combine(RepositoryPaths.LogDirectory, $"lvsd-{Lab.Prefix}-fwm.log");
        await File.WriteAllTextAsync(config, ConfigTemplate.Replace("SOCKET", socket, StringComparison.Ordinal) + "\n");

        var check = await Lab.RunIn("dir", TimeSpan.FromSeconds(15), LabFixture.LvsdPath, "--check-config", config);
        Assert.True(check.Succeeded, "lvsd does not accept a firewall_marks rule yet:\n" + check.Describe());

        using var lvsd = await LvsdProcess.StartAsync(Lab, socket, log, "--config", config, "--socket", socket);
        await Fwm(lvsd, "-A", "-f", "1", "-s", "rr", "-p", "60");
        foreach (var rs in Lab.RealServers)
        {
            await Fwm(lvsd, "-a", "-f", "1", "-r", rs, "-m");
        }

        var names = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            names.Add(await GetNameFromAsync("198.18.0.2", 80));
            names.Add(await GetNameFromAsync("198.18.0.2", 443));
        }

        Output.WriteLine("80/443 answers: " + string.Join(' ', names));
        Assert.True(names.Distinct().Count() == 1, $"ports 80 and 443 of one client should share a server: {Show(CountByServer(names))}");
        var listing = await Fwm(lvsd, "-L", "-n");
        Assert.Contains("FWM  1 rr persistent 60\n", listing.StdOut, StringComparison.Ordinal);
    }

    private async Task<CommandResult> Fwm(LvsdProcess lvsd, params string[] arguments)
    {
        var command = new List<string> { LabFixture.LvsadmPath, "--socket", lvsd.SocketPath };
        command.AddRange(arguments);
        var result = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), [.. command]);
        Output.WriteLine($"$ lvsadm (fwm lvsd) {string.Join(' ', arguments)} -> {result.ExitCode}");
        Assert.True(result.Succeeded, $"{result.Describe()}\nsecond lvsd log:\n{lvsd.LogTail()}");
        return result;
    }
}
