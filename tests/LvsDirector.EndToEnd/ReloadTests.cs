using System.Globalization;
using System.Text;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Live reload: a second lvsd runs from a config file while the client makes a steady stream of requests; the file is
/// rewritten several times (weight, server removed with drain, server back, scheduler) and reloaded with SIGHUP and
/// lvsadm --reload. Not one request may fail, and the final table must be the final file.
/// </summary>
[Collection(TwoArmLab.Name)]
public sealed class ReloadTests : DirectorTestBase
{
    private const int Requests = 400;

    public ReloadTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task Reloads_during_traffic_lose_no_request_and_leave_the_file_s_table()
    {
        // The fixture's lvsd has an empty table (reset), so only the second one owns the VIP.
        var socket = Path.Combine(Lab.LabDirectory, "lvsd-reload.sock");
        var config = Path.Combine(Lab.LabDirectory, "lvsd-reload.yaml");
        var log = Path.Combine(RepositoryPaths.LogDirectory, $"lvsd-{Lab.Prefix}-reload.log");
        await File.WriteAllTextAsync(config, Config(socket, "rr", (0, 1), (1, 1), (2, 1)));

        using var lvsd = await LvsdProcess.StartAsync(Lab, socket, log, "--config", config, "--socket", socket);
        var pid = FindPid(config);

        // LvsdProcess starts lvsd with SIGHUP ignored, as nohup or a background shell would: lvsd must take it back.
        Assert.Contains("SIGHUP was ignored by the process that started lvsd", lvsd.LogTail(400), StringComparison.Ordinal);

        // Bounded: a fixed number of requests, each with its own timeout, so the loop always ends.
        var script = string.Create(CultureInfo.InvariantCulture,
            $"ok=0; fail=0; for i in $(seq {Requests}); do if curl -sS -o /dev/null --connect-timeout 2 --max-time 4 http://{Vip}/; then ok=$((ok+1)); else fail=$((fail+1)); fi; sleep 0.02; done; echo \"ok=$ok fail=$fail\"");
        var loop = Lab.RunIn("client", TimeSpan.FromSeconds(180), "bash", "-c", script);
        await Task.Delay(1000);

        await File.WriteAllTextAsync(config, Config(socket, "rr", (0, 1), (1, 3), (2, 1)));
        await ReloadWithLvsadm(lvsd);
        await Task.Delay(800);

        await File.WriteAllTextAsync(config, Config(socket, "rr", (0, 1), (1, 3)));
        await Sighup(pid, lvsd, 2);
        await WaitUntilGone(socket, Lab.RealServers[2], lvsd);

        await File.WriteAllTextAsync(config, Config(socket, "rr", (0, 1), (1, 3), (2, 1)));
        await ReloadWithLvsadm(lvsd);
        await Task.Delay(800);

        await File.WriteAllTextAsync(config, Config(socket, "wrr", (0, 1), (1, 3), (2, 1)));
        await Sighup(pid, lvsd, 4);
        Assert.False(loop.IsCompleted, "the request loop ended before the last reload; it no longer covers the reloads");

        var result = await loop;
        Output.WriteLine($"request loop: {result.StdOut.Trim()} {result.StdErr.Trim()}");
        Assert.True(result.Succeeded, result.Describe());
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"ok={Requests} fail=0"), result.StdOut.Trim());

        var listing = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", socket, "-L", "-n");
        Output.WriteLine(listing.StdOut);
        Assert.True(listing.Succeeded, listing.Describe());
        var service = Assert.Single(IpvsTable.Parse(listing.StdOut).Services);
        Assert.Equal("wrr", service.Scheduler);
        Assert.Equal(
            [$"{Lab.RealServers[0]}:80 Masq 1", $"{Lab.RealServers[1]}:80 Masq 3", $"{Lab.RealServers[2]}:80 Masq 1"],
            service.Destinations.Select(d => $"{d.Address} {d.Forward} {d.Weight}").Order(StringComparer.Ordinal));

        // A broken file is refused with its errors and changes nothing.
        await File.WriteAllTextAsync(config, Config(socket, "nosuch", (0, 1)));
        var refused = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", socket, "--reload");
        Assert.False(refused.Succeeded, refused.Describe());
        Assert.Contains(config, refused.StdErr, StringComparison.Ordinal);
        var after = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", socket, "-L", "-n");
        Assert.Equal(listing.StdOut, after.StdOut);
    }

    private string Config(string socket, string scheduler, params (int Server, int Weight)[] servers)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            interfaces: [eth0, eth1]
            socket: {"{"} path: {socket} {"}"}
            logging: {"{"} level: debug {"}"}
            reload: {"{"} removed_server: drain, drain_timeout: 3 {"}"}
            services:
              - protocol: tcp
                address: {Vip}
                port: 80
                scheduler: {scheduler}
                real_servers:

            """);
        foreach (var (server, weight) in servers)
        {
            text.Append(CultureInfo.InvariantCulture, $"      - {{ address: {RealServerAddress(server)}, weight: {weight}, method: masq }}\n");
        }

        return text.ToString();
    }

    private string RealServerAddress(int index) => Lab.RealServers[index];

    private async Task ReloadWithLvsadm(LvsdProcess lvsd)
    {
        var result = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", lvsd.SocketPath, "--reload");
        Output.WriteLine($"$ lvsadm --reload -> {result.ExitCode}");
        Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{lvsd.LogTail()}");
        Assert.Equal(string.Empty, result.StdOut);
    }

    // Drained: deleted once idle, or at drain_timeout (3 s) with closing connections left.
    private async Task WaitUntilGone(string socket, string server, LvsdProcess lvsd)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var listing = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", socket, "-L", "-n");
            Assert.True(listing.Succeeded, listing.Describe());
            if (!listing.StdOut.Contains(server + ":80", StringComparison.Ordinal))
            {
                Output.WriteLine($"{server} drained and deleted");
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{server} was not deleted after its drain:\n{listing.StdOut}\n{lvsd.LogTail()}");
            await Task.Delay(200);
        }
    }

    private async Task Sighup(int pid, LvsdProcess lvsd, int reloadsSoFar)
    {
        var kill = await Shell.RunAsync("kill", ["-HUP", pid.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
        Assert.True(kill.Succeeded, kill.Describe());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (CountApplied(lvsd) < reloadsSoFar)
        {
            if (DateTime.UtcNow >= deadline)
            {
                // Say how lvsd treats the signal (SigIgn/SigCgt: an inherited ignore was the cause once) and whether
                // its thread pool, which runs .NET's SIGHUP handlers, still answers control requests.
                var listing = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", lvsd.SocketPath, "-L", "-n");
                Assert.Fail($"SIGHUP was not applied to pid {pid}:\n{ProcessSignalState(pid)}\nlvsadm -L while waiting: {listing.Describe()}\n{lvsd.LogTail()}");
            }

            await Task.Delay(100);
        }

        Output.WriteLine($"SIGHUP {pid}: reload {reloadsSoFar} applied");
    }

    private static string ProcessSignalState(int pid)
    {
        try
        {
            var command = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            var status = File.ReadAllLines($"/proc/{pid}/status")
                .Where(l => l.StartsWith("State", StringComparison.Ordinal) || l.StartsWith("Threads", StringComparison.Ordinal)
                    || l.StartsWith("Sig", StringComparison.Ordinal) || l.StartsWith("ShdPnd", StringComparison.Ordinal));
            return $"{command}\n{string.Join('\n', status)}";
        }
        catch (IOException exception)
        {
            return $"/proc/{pid} unreadable: {exception.Message}";
        }
    }

    private static int CountApplied(LvsdProcess lvsd)
    {
        try
        {
            return File.ReadAllLines(lvsd.LogPath).Count(l => l.Contains("reload applied:", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return 0;
        }
    }

    // lvsd runs as bash -> ip netns exec -> exec lvsd; its own pid is the one whose command line names this config.
    private static int FindPid(string config)
    {
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                if (arguments.Length > 2 && arguments[0].EndsWith("/lvsd", StringComparison.Ordinal) && arguments.Contains(config))
                {
                    return pid;
                }
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }

        throw new InvalidOperationException($"no lvsd process with --config {config}");
    }
}
