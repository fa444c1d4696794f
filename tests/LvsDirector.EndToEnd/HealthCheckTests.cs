using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Health checks against real nginx: an lvsd started from a config file checks the three real servers from the
/// director's own network stack. A stopped nginx is taken down (weight 0 in -L, a log line, no new connections) and
/// brought back when it answers again; an HTTP check of a path nginx answers with 404 holds its server down; a
/// service whose servers are all down serves from its sorry server.
/// </summary>
[Collection(TwoArmLab.Name)]
public sealed class HealthCheckTests : DirectorTestBase
{
    private const int Requests = 30;

    public HealthCheckTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task A_stopped_nginx_is_taken_down_gets_no_traffic_and_comes_back()
    {
        using var lvsd = await StartLvsdAsync("health", $$"""
              - protocol: tcp
                address: {{Vip}}
                port: 80
                scheduler: rr
                health_check: { type: tcp, interval: 1s, retry_interval: 1s, timeout: 1s, fall: 2 }
                real_servers:
                  - { address: {{Lab.RealServers[0]}}, method: masq }
                  - { address: {{Lab.RealServers[1]}}, method: masq }
                  - { address: {{Lab.RealServers[2]}}, method: masq }
            """);

        var rs2 = Lab.RealServers[1];
        try
        {
            await WaitForWeight(lvsd, rs2, 1, TimeSpan.FromSeconds(5));
            await StopNginx("rs2");
            var stopped = DateTime.UtcNow;
            await WaitForWeight(lvsd, rs2, 0, TimeSpan.FromSeconds(10));
            Output.WriteLine($"rs2 down after {(DateTime.UtcNow - stopped).TotalSeconds:0.0} s");

            var line = await WaitForLog(lvsd, $"Real server {rs2}:80 of TCP {Vip}:80 is down:");
            Assert.Contains($"connect to {rs2}:80 failed: connection refused (2 of 2 checks failed)", line, StringComparison.Ordinal);
            var listing = await List(lvsd);
            Assert.Equal(
                [$"{Lab.RealServers[0]}:80 1", $"{rs2}:80 0", $"{Lab.RealServers[2]}:80 1"],
                listing.Services.Single().Destinations.Select(d => $"{d.Address} {d.Weight}"));

            // -S saves the configured weight, not the 0 a health check imposes.
            var saved = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", lvsd.SocketPath, "-S", "-n");
            Assert.Contains($"-a -t {Vip}:80 -r {rs2}:80 -m -w 1", saved.StdOut, StringComparison.Ordinal);

            var answers = await CurlMany(Requests);
            Assert.Equal(Requests, answers.Count);
            Assert.DoesNotContain("rs2", answers);
            Assert.Equal(["rs1", "rs3"], answers.Distinct().Order(StringComparer.Ordinal));

            await StartNginx("rs2");
            await WaitForWeight(lvsd, rs2, 1, TimeSpan.FromSeconds(10));
            await WaitForLog(lvsd, $"Real server {rs2}:80 of TCP {Vip}:80 is up: connected to {rs2}:80");
            var after = await CurlMany(Requests);
            Assert.Equal(Requests, after.Count);
            Assert.Contains("rs2", after);
        }
        finally
        {
            await StartNginx("rs2");
        }
    }

    [Fact]
    public async Task An_http_404_holds_a_server_down_and_an_all_down_service_uses_its_sorry_server()
    {
        using var lvsd = await StartLvsdAsync("health-http", $$"""
              - protocol: tcp
                address: {{Vip}}
                port: 80
                scheduler: rr
                health_check: { type: http, path: /, expect: rs, interval: 1s, fall: 1, timeout: 2s }
                real_servers:
                  - { address: {{Lab.RealServers[0]}}, method: masq }
                  - { address: {{Lab.RealServers[1]}}, method: masq, health_check: { type: http, path: /healthz, interval: 1s, fall: 1 } }
                  - { address: {{Lab.RealServers[2]}}, method: masq }
              - protocol: tcp
                address: {{Vip}}
                port: 443
                scheduler: wlc
                health_check: { type: http, path: /healthz, interval: 1s, fall: 1, initial: down }
                sorry_server: { address: {{Lab.RealServers[2]}}, port: 80, method: masq }
                real_servers:
                  - { address: {{Lab.RealServers[0]}}, method: masq }
                  - { address: {{Lab.RealServers[1]}}, method: masq }
            """);

        var rs2 = Lab.RealServers[1];
        await WaitForWeight(lvsd, rs2, 0, TimeSpan.FromSeconds(10));
        var line = await WaitForLog(lvsd, $"Real server {rs2}:80 of TCP {Vip}:80 is down:");
        Assert.Contains($"HTTP 404 from GET http://{rs2}:80/healthz", line, StringComparison.Ordinal);

        var answers = await CurlMany(Requests);
        Assert.Equal(Requests, answers.Count);
        Assert.DoesNotContain("rs2", answers);

        // Port 443: both servers start down and stay down (404), so the sorry server serves, and -L shows it.
        var listing = await List(lvsd);
        var https = listing.Services.Single(s => s.Address == $"{Vip}:443");
        Assert.Equal(
            [$"{Lab.RealServers[0]}:443 0", $"{rs2}:443 0", $"{Lab.RealServers[2]}:80 1"],
            https.Destinations.Select(d => $"{d.Address} {d.Weight}"));
        var sorry = await Lab.Curl($"http://{Vip}:443/");
        Assert.True(sorry.Succeeded, sorry.Describe());
        Assert.Equal("rs3", sorry.StdOut.Trim());
        await WaitForLog(lvsd, $"Sorry server {Lab.RealServers[2]}:80 of TCP {Vip}:443 is in service");
    }

    /// <summary>A second lvsd (the fixture's has an empty table) from a config file with <paramref name="services"/> as its services list.</summary>
    private async Task<LvsdProcess> StartLvsdAsync(string name, string services)
    {
        var socket = Path.Combine(Lab.LabDirectory, $"lvsd-{name}.sock");
        var config = Path.Combine(Lab.LabDirectory, $"lvsd-{name}.yaml");
        var log = Path.Combine(RepositoryPaths.LogDirectory, $"lvsd-{Lab.Prefix}-{name}.log");
        await File.WriteAllTextAsync(config, $"interfaces: [eth0, eth1]\nsocket: {{ path: {socket} }}\nservices:\n{services}");
        return await LvsdProcess.StartAsync(Lab, socket, log, "--config", config, "--socket", socket);
    }

    private async Task<IpvsTable> List(LvsdProcess lvsd)
    {
        var result = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", lvsd.SocketPath, "-L", "-n");
        Assert.True(result.Succeeded, result.Describe());
        Output.WriteLine(result.StdOut);
        return IpvsTable.Parse(result.StdOut);
    }

    private async Task WaitForWeight(LvsdProcess lvsd, string server, int weight, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var result = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", lvsd.SocketPath, "-L", "-n");
            Assert.True(result.Succeeded, result.Describe());
            var destination = IpvsTable.Parse(result.StdOut).Services.Single(s => s.Address == TcpVip).Destinations.Single(d => d.Address == $"{server}:80");
            if (destination.Weight == weight)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{server} did not reach weight {weight} within {within.TotalSeconds} s:\n{result.StdOut}\n{lvsd.LogTail()}");
            await Task.Delay(200);
        }
    }

    private static async Task<string> WaitForLog(LvsdProcess lvsd, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            string[] lines;
            try
            {
                lines = await File.ReadAllLinesAsync(lvsd.LogPath);
            }
            catch (IOException)
            {
                lines = [];
            }

            if (lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal)) is { } line)
            {
                return line;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no log line with \"{text}\":\n{lvsd.LogTail()}");
            await Task.Delay(200);
        }
    }

    /// <summary>Bounded: <paramref name="count"/> requests, each with its own timeout; returns the answers of those that succeeded.</summary>
    private async Task<List<string>> CurlMany(int count)
    {
        var script = string.Create(CultureInfo.InvariantCulture,
            $"for i in $(seq {count}); do curl -sS --connect-timeout 2 --max-time 4 http://{Vip}/ || echo FAILED; done");
        var result = await Lab.RunIn("client", TimeSpan.FromSeconds(150), "bash", "-c", script);
        Assert.True(result.Succeeded, result.Describe());
        var answers = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        Output.WriteLine(string.Join(' ', answers));
        Assert.DoesNotContain("FAILED", answers);
        return answers;
    }

    private string NginxDirectory(string name) => Path.Combine(Lab.LabDirectory, name);

    private async Task StopNginx(string name)
    {
        var d = NginxDirectory(name);
        var result = await Lab.RunIn(name, TimeSpan.FromSeconds(10), "nginx", "-q", "-e", $"{d}/error.log", "-p", d, "-c", $"{d}/nginx.conf", "-s", "stop");
        Assert.True(result.Succeeded, result.Describe());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (File.Exists(Path.Combine(d, "nginx.pid")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
    }

    private async Task StartNginx(string name)
    {
        var d = NginxDirectory(name);
        if (File.Exists(Path.Combine(d, "nginx.pid")))
        {
            return;
        }

        var result = await Lab.RunIn(name, TimeSpan.FromSeconds(10), "nginx", "-q", "-e", $"{d}/error.log", "-p", d, "-c", $"{d}/nginx.conf");
        Assert.True(result.Succeeded, result.Describe());
    }
}
