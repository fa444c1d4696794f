using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// VRRP failover against keepalived (VRRP only, version 3, same VRID, priority 150 against lvsd's 100) in an extra
/// namespace on the client segment. lvsd must stay BACKUP and silent for the VIP while keepalived is master, take the
/// VIP (client ARP resolves to lvsd, curl reaches the real servers) within seconds of keepalived dying, and give it back
/// when keepalived returns and preempts.
/// </summary>
[Collection(TwoArmLab.Name)]
public sealed partial class VrrpFailoverTests : DirectorTestBase
{
    private const string PeerAddress = "198.18.0.50";
    private static readonly TimeSpan TakeoverLimit = TimeSpan.FromSeconds(5);

    public VrrpFailoverTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    private string PeerNamespace => $"{Lab.Prefix}-ka";

    [Fact]
    public async Task Lvsd_is_backup_behind_keepalived_takes_over_when_it_dies_and_yields_when_it_returns()
    {
        Assert.True(File.Exists("/usr/sbin/keepalived"), "keepalived is not installed (apt-get install -y keepalived)");
        var directory = Path.Combine(Lab.LabDirectory, "vrrp");
        Directory.CreateDirectory(directory);
        var keepalivedConfig = Path.Combine(directory, "keepalived.conf");
        await File.WriteAllTextAsync(keepalivedConfig, KeepalivedConfig());
        var socket = Path.Combine(Lab.LabDirectory, "lvsd-vrrp.sock");
        var config = Path.Combine(Lab.LabDirectory, "lvsd-vrrp.yaml");
        var log = Path.Combine(RepositoryPaths.LogDirectory, $"lvsd-{Lab.Prefix}-vrrp.log");
        await File.WriteAllTextAsync(config, LvsdConfig(socket));

        try
        {
            await CreatePeerAsync();
            var keepalivedLog = Path.Combine(RepositoryPaths.LogDirectory, $"keepalived-{Lab.Prefix}.log");
            using (var keepalived = StartKeepalived(keepalivedConfig, directory, keepalivedLog))
            {
                await WaitForAsync(() => File.ReadAllText(keepalivedLog).Contains("Entering MASTER STATE", StringComparison.Ordinal),
                    TimeSpan.FromSeconds(10), () => $"keepalived never became master:\n{File.ReadAllText(keepalivedLog)}");

                using var lvsd = await LvsdProcess.StartAsync(Lab, socket, log, "--config", config, "--socket", socket);
                await Task.Delay(TimeSpan.FromSeconds(5));
                var text = File.ReadAllText(log);
                Assert.Contains("VRRP instance VR 51 on eth0: INIT -> BACKUP (startup)", text, StringComparison.Ordinal);
                Assert.DoesNotContain("-> MASTER", text, StringComparison.Ordinal);

                var peerMac = await MacOfAsync(PeerNamespace);
                var lvsdMac = await MacOfAsync($"{Lab.Prefix}-dir");
                Assert.Equal([peerMac], await ArpingAsync());

                // keepalived dies without a word: its link goes down first, then it is killed. Killing first is a race:
                // keepalived's VRRP child gets SIGTERM from its dying parent (PR_SET_PDEATHSIG) and may still send its
                // priority 0 advert, after which lvsd takes over in its skew time (0.6 s; CI once saw 0.68 s). With no
                // advert the master down timer decides, 3 intervals plus skew after the last advert, which was 0 to 1 s
                // before the link went down: 1.6 to 3.6 s after it.
                var killed = Stopwatch.StartNew();
                (await Shell.RunAsync("ip", ["-n", PeerNamespace, "link", "set", "eth0", "down"], TimeSpan.FromSeconds(5))).EnsureSuccess();
                keepalived.Kill();
                await Shell.RunAsync("ip", ["-n", PeerNamespace, "addr", "del", $"{Vip}/32", "dev", "eth0"], TimeSpan.FromSeconds(5));
                await WaitForAsync(() => Count(log, "BACKUP -> MASTER (master down timer expired)") == 1, TakeoverLimit,
                    () => $"lvsd did not become master within {TakeoverLimit.TotalSeconds} s:\n{lvsd.LogTail()}");
                Output.WriteLine($"lvsd became master {killed.Elapsed.TotalSeconds:0.00} s after keepalived's link went down");
                Assert.InRange(killed.Elapsed, TimeSpan.FromSeconds(1.5), TakeoverLimit);

                Assert.Equal([lvsdMac], await ArpingAsync());
                var names = new List<string>();
                for (var i = 0; i < 3; i++)
                {
                    var curl = await Lab.Curl($"http://{Vip}/");
                    Assert.True(curl.Succeeded, $"{curl.Describe()}\nlvsd log:\n{lvsd.LogTail()}");
                    names.Add(curl.StdOut.Trim());
                }

                Assert.Equal(["rs1", "rs2", "rs3"], names.Order(StringComparer.Ordinal));

                // keepalived comes back with the higher priority and preempts.
                (await Shell.RunAsync("ip", ["-n", PeerNamespace, "link", "set", "eth0", "up"], TimeSpan.FromSeconds(5))).EnsureSuccess();
                using var again = StartKeepalived(keepalivedConfig, directory, keepalivedLog);
                await WaitForAsync(() => Count(log, "MASTER -> BACKUP (higher priority advertisement received)") == 1, TimeSpan.FromSeconds(10),
                    () => $"lvsd did not yield to keepalived:\n{lvsd.LogTail()}\nkeepalived:\n{File.ReadAllText(keepalivedLog)}");
                await Task.Delay(TimeSpan.FromSeconds(1));
                Assert.Equal([peerMac], await ArpingAsync());

                // A clean keepalived stop sends priority 0: lvsd takes over after its skew time, well under a second.
                var stopped = Stopwatch.StartNew();
                again.Stop();
                await WaitForAsync(() => Count(log, "BACKUP -> MASTER") == 2, TimeSpan.FromSeconds(3),
                    () => $"lvsd did not take over after keepalived's priority 0 advert:\n{lvsd.LogTail()}");
                Output.WriteLine($"lvsd became master {stopped.Elapsed.TotalSeconds:0.00} s after keepalived stopped");
                Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(2.5), $"took {stopped.Elapsed}");
                Assert.Equal([lvsdMac], await ArpingAsync());
            }

            Assert.Contains("VRRP instance VR 51 on eth0: sent a priority 0 advertisement", File.ReadAllText(log), StringComparison.Ordinal);
        }
        finally
        {
            await Shell.RunAsync("ip", ["netns", "delete", PeerNamespace], TimeSpan.FromSeconds(10));
        }
    }

    private static int Count(string file, string text) =>
        Regex.Count(File.ReadAllText(file), Regex.Escape(text));

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan limit, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                Assert.Fail(describe());
            }

            await Task.Delay(50);
        }
    }

    private async Task CreatePeerAsync()
    {
        string[][] steps =
        [
            ["netns", "add", PeerNamespace],
            ["-n", PeerNamespace, "link", "set", "lo", "up"],
            ["-n", $"{Lab.Prefix}-sw", "link", "add", "ka0", "type", "veth", "peer", "name", "eth0", "netns", PeerNamespace],
            ["-n", $"{Lab.Prefix}-sw", "link", "set", "ka0", "master", "br0", "up"],
            ["-n", PeerNamespace, "addr", "add", $"{PeerAddress}/24", "dev", "eth0"],
            ["-n", PeerNamespace, "link", "set", "eth0", "up"],
        ];
        foreach (var step in steps)
        {
            (await Shell.RunAsync("ip", step, TimeSpan.FromSeconds(10))).EnsureSuccess();
        }
    }

    private PeerProcess StartKeepalived(string config, string directory, string log)
    {
        // -n: stay in the foreground, so SIGTERM and SIGKILL reach keepalived itself; -P: VRRP only.
        var startInfo = new ProcessStartInfo("bash") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "keepalived", log,
                     "ip", "netns", "exec", PeerNamespace, "/usr/sbin/keepalived", "-n", "-l", "-D", "-P", "-f", config,
                     "-p", Path.Combine(directory, "keepalived.pid"), "-r", Path.Combine(directory, "vrrp.pid") })
        {
            startInfo.ArgumentList.Add(argument);
        }

        File.AppendAllText(log, $"=== keepalived {DateTime.UtcNow:O}\n");
        return new PeerProcess(Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start keepalived"));
    }

    private async Task<List<string>> ArpingAsync()
    {
        (await Lab.RunIn("client", "ip", "neigh", "flush", "dev", "eth0")).EnsureSuccess();
        var result = await Lab.RunIn("client", TimeSpan.FromSeconds(10), "arping", "-c", "3", "-w", "4", "-I", "eth0", Vip);
        Output.WriteLine(result.StdOut);
        return [.. MacPattern().Matches(result.StdOut).Select(m => m.Groups[1].Value.ToLowerInvariant()).Distinct()];
    }

    private static async Task<string> MacOfAsync(string ns)
    {
        var result = await Shell.RunAsync("ip", ["netns", "exec", ns, "cat", "/sys/class/net/eth0/address"], TimeSpan.FromSeconds(5));
        result.EnsureSuccess();
        return result.StdOut.Trim().ToLowerInvariant();
    }

    private string LvsdConfig(string socket)
    {
        var servers = string.Concat(Lab.RealServers.Select(s => $"      - {{ address: {s}, method: masq }}\n"));
        return string.Create(CultureInfo.InvariantCulture, $$"""
            interfaces: [eth0, eth1]
            socket: { path: {{socket}} }
            logging: { level: debug }
            services:
              - protocol: tcp
                address: {{Vip}}
                port: 80
                scheduler: rr
                real_servers:
            {{servers}}
            vrrp:
              interface: eth0
              virtual_router_id: 51
              priority: 100
              advert_interval: 1s
              version: 3
            """);
    }

    private static string KeepalivedConfig() => $$"""
        global_defs {
          router_id lvse2e_peer
          vrrp_version 3
        }
        vrrp_instance VI_1 {
          state BACKUP
          interface eth0
          virtual_router_id 51
          priority 150
          advert_int 1
          virtual_ipaddress {
            {{Vip}}/32
          }
        }
        """;

    [GeneratedRegex(@"bytes from ([0-9a-fA-F:]{17}) ")]
    private static partial Regex MacPattern();

    /// <summary>A keepalived process: killed (SIGKILL) or stopped (SIGTERM), and never left behind.</summary>
    private sealed class PeerProcess(Process process) : IDisposable
    {
        public void Kill() => Shell.KillTree(process);

        public void Stop()
        {
            Shell.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                Shell.KillTree(process);
            }
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                Stop();
            }

            process.Dispose();
        }
    }
}
