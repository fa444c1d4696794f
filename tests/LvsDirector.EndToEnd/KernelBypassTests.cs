using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Kernel out of the way, through real kernels: an lvsd from a config file forwards UDP echo and nginx traffic by NAT
/// with its tc ingress filter on and with it off. Off, the director's IP stack counts every forwarded frame as an
/// address error (IpInAddrErrors: not its address, and ip_forward=0); on, the count stays flat while every answer
/// still comes back. The filter is on eth0 and eth1 while lvsd runs and gone after it stops; health checks and pings
/// to the director's own addresses keep working.
/// </summary>
[Collection(TwoArmLab.Name)]
public sealed class KernelBypassTests : DirectorTestBase
{
    private const int Datagrams = 200;
    private const int Requests = 20;
    private const string Preference = "pref 65000";

    public KernelBypassTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task Forwarded_frames_reach_the_directors_ip_stack_only_without_the_filter()
    {
        // lvsd leaves qdiscs as it found them: the clsact it adds goes at stop, one that was there (the fixture's lvsd
        // may have added one for an earlier test) stays.
        var qdiscsBefore = (await Lab.RunIn("dir", "tc", "qdisc", "show")).StdOut;
        long without;
        using (var lvsd = await StartLvsdAsync("bypass-off", ingressDrop: false))
        {
            Assert.DoesNotContain(Preference, await Filters("eth0"), StringComparison.Ordinal);
            without = await ForwardAndCountAsync(lvsd);
        }

        long with;
        using (var lvsd = await StartLvsdAsync("bypass-on", ingressDrop: true))
        {
            foreach (var name in new[] { "eth0", "eth1" })
            {
                var shown = await Filters(name);
                Output.WriteLine($"tc filter show dev {name} ingress:\n{shown}");
                Assert.Contains($"{Preference} bpf", shown, StringComparison.Ordinal);
                Assert.Contains("direct-action", shown, StringComparison.Ordinal);
            }

            Assert.Contains("Kernel ingress filter on eth0, eth1", File.ReadAllText(lvsd.LogPath), StringComparison.Ordinal);
            with = await ForwardAndCountAsync(lvsd);
        }

        // Each datagram is two frames the kernel had to look at and drop: the client's to the VIP, the server's reply.
        Output.WriteLine($"IpInAddrErrors grew by {without} without the filter and by {with} with it");
        Assert.InRange(without, 2 * Datagrams, 2 * Datagrams + 100 * Requests);
        Assert.Equal(0, with);

        foreach (var name in new[] { "eth0", "eth1" })
        {
            Assert.DoesNotContain(Preference, await Filters(name), StringComparison.Ordinal);
        }

        Assert.Equal(qdiscsBefore, (await Lab.RunIn("dir", "tc", "qdisc", "show")).StdOut);
    }

    [Fact]
    public async Task With_the_filter_health_checks_pings_and_ipv6_to_the_director_still_work()
    {
        using var lvsd = await StartLvsdAsync("bypass-own", ingressDrop: true);
        var before6 = await CounterAsync("Ip6InAddrErrors");

        // The TCP health checks run from the director's kernel: their answers come from NAT real servers to 198.19.0.1.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var listing = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", lvsd.SocketPath, "-L", "-n");
        Assert.True(listing.Succeeded, listing.Describe());
        var web = IpvsTable.Parse(listing.StdOut).Services.Single(s => s.Address == TcpVip);
        Assert.All(web.Destinations, d => Assert.Equal(1, d.Weight));
        Assert.DoesNotContain("is down", File.ReadAllText(lvsd.LogPath), StringComparison.Ordinal);

        foreach (var (node, target) in new[] { ("client", "198.18.0.1"), ("rs1", "198.19.0.1"), ("rs1", "198.18.0.1"), ("client", LabFixture.DirectorEth0Ipv6), ("rs2", LabFixture.DirectorEth1Ipv6) })
        {
            var ping = await Lab.RunIn(node, TimeSpan.FromSeconds(15), "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", target);
            Assert.True(ping.Succeeded, $"ping from {node} to the director's {target}: {ping.Describe()}");
        }

        // IPv6 through the VIP, and NAT replies from the servers' IPv6 addresses, pass lvsd but not the kernel.
        for (var i = 0; i < Requests; i++)
        {
            var result = await Lab.Curl6($"http://[{LabFixture.Vip6}]/");
            Assert.True(result.Succeeded, $"{result.Describe()}\n{lvsd.LogTail()}");
            Assert.Contains(result.StdOut.Trim(), ServerNames);
        }

        // Neighbour discovery is left to the kernel on purpose, and unicast probes for the VIP count there; the
        // forwarded segments themselves (at least 6 frames per connection) do not.
        var grown6 = await CounterAsync("Ip6InAddrErrors") - before6;
        Output.WriteLine($"Ip6InAddrErrors grew by {grown6} over {Requests} IPv6 connections");
        Assert.InRange(grown6, 0, 4);
    }

    /// <summary>UDP datagrams and HTTP requests through the VIP, all answered; how much IpInAddrErrors grew meanwhile.</summary>
    private async Task<long> ForwardAndCountAsync(LvsdProcess lvsd)
    {
        var before = await CounterAsync("IpInAddrErrors");
        var probe = await Lab.UdpProbe(Vip, LabFixture.UdpEchoPort, "bypass", Datagrams, TimeSpan.FromSeconds(60));
        Assert.True(probe.Succeeded, $"{probe.Describe()}\n{lvsd.LogTail()}");
        Assert.Equal(Datagrams, probe.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        for (var i = 0; i < Requests; i++)
        {
            var result = await Lab.Curl($"http://{Vip}/");
            Assert.True(result.Succeeded, $"{result.Describe()}\n{lvsd.LogTail()}");
            Assert.Contains(result.StdOut.Trim(), ServerNames);
        }

        return await CounterAsync("IpInAddrErrors") - before;
    }

    private async Task<long> CounterAsync(string name)
    {
        // -s: read without touching nstat's history file, so nothing else's deltas change.
        var result = await Lab.RunIn("dir", "nstat", "-asz", name);
        Assert.True(result.Succeeded, result.Describe());
        var line = result.StdOut.Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private async Task<string> Filters(string interfaceName)
    {
        var result = await Lab.RunIn("dir", "tc", "filter", "show", "dev", interfaceName, "ingress");
        Assert.True(result.Succeeded, result.Describe());
        return result.StdOut;
    }

    /// <summary>A second lvsd (the fixture's has an empty table, so no filter) with NAT services for UDP echo and HTTP.</summary>
    private async Task<LvsdProcess> StartLvsdAsync(string name, bool ingressDrop)
    {
        var socket = Path.Combine(Lab.LabDirectory, $"lvsd-{name}.sock");
        var config = Path.Combine(Lab.LabDirectory, $"lvsd-{name}.yaml");
        var log = Path.Combine(RepositoryPaths.LogDirectory, $"lvsd-{Lab.Prefix}-{name}.log");
        string Servers(IEnumerable<string> addresses) => string.Concat(addresses.Select(a => $"\n      - {{ address: \"{a}\", method: masq }}"));
        var text = $"""
            interfaces: [eth0, eth1]
            socket: {"{"} path: {socket} {"}"}
            kernel_bypass: {"{"} ingress_drop: {(ingressDrop ? "true" : "false")} {"}"}
            services:
              - protocol: udp
                address: {Vip}
                port: {LabFixture.UdpEchoPort}
                real_servers:{Servers(Lab.RealServers)}
              - protocol: tcp
                address: {Vip}
                port: 80
                health_check: {"{"} type: tcp, interval: 1s, timeout: 1s, fall: 1 {"}"}
                real_servers:{Servers(Lab.RealServers)}
              - protocol: tcp
                address: "{LabFixture.Vip6}"
                port: 80
                real_servers:{Servers(Lab.RealServers6)}

            """;
        await File.WriteAllTextAsync(config, text);
        return await LvsdProcess.StartAsync(Lab, socket, log, "--config", config, "--socket", socket);
    }
}
