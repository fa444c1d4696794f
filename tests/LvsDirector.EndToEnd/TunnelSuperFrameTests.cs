using System.Globalization;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Tunnelling with the offloads a default host has: the client's TSO/GSO on (the rest of the tunnel lab turns them off)
/// and lvsd told to leave the director's own offloads alone. The client's TCP stack then hands the veth 64 KB
/// aggregates that reach the director's AF_PACKET socket whole; lvsd must cut them to the tunnel MTU before it wraps
/// them in IPIP or 6in6 (issue 4), or the real server gets nothing usable. (Aggregation happens at the sender: the
/// veths and the bridge pass the client's GSO packets on unsplit whatever the director's own GRO/TSO settings are,
/// and veth GRO on the director does not merge the client's segments when its TSO is off: measured on 6.18.)
/// </summary>
[Collection(TunnelLab.Name)]
public sealed class TunnelSuperFrameTests : ForwardingTestBase
{
    private const int UploadPort = 9100;
    private const int MetricsPort = 9103;
    private const int UploadSize = 8 << 20;

    // Frame lengths as tcpdump's `greater` sees them: Ethernet header included.
    private const int ClientMtuFrame = 1500 + 14;
    private const int TunnelMtuFrame = 1400 + 14;

    public TunnelSuperFrameTests(TunnelLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public Task Tunnel_UploadWithClientTsoOnIsSegmentedBeforeEncapsulationAndArrivesIntact() =>
        UploadThroughTunnelAsync(ipv6: false);

    /// <summary>The same over IPv6: 6in6 from 2001:db8:1::1, inner packets cut to 1400 - 40.</summary>
    [Fact]
    [Trait("Family", "IPv6")]
    public Task Tunnel6_UploadWithClientTsoOnIsSegmentedBeforeEncapsulationAndArrivesIntact() =>
        UploadThroughTunnelAsync(ipv6: true);

    private async Task UploadThroughTunnelAsync(bool ipv6)
    {
        var port = UploadPort.ToString(CultureInfo.InvariantCulture);
        var rs1 = ipv6 ? Lab.RealServers6[0] : Lab.RealServers[0];
        var vip = ipv6 ? LabFixture.Vip6 : Vip;
        var ip = ipv6 ? "ip6" : "ip";
        var tunnelFilter = ipv6 ? $"ip6 and ip6[6] == 41 and src host {LabFixture.DirectorEth1Ipv6}" : "ip proto 4 and src host 198.19.0.1";
        var family = ipv6 ? "-6" : "-4";
        var socket = Path.Combine(Lab.LabDirectory, "lvsd-superframe.sock");
        var config = Path.Combine(Lab.LabDirectory, "lvsd-superframe.yaml");
        var log = Path.Combine(RepositoryPaths.LogDirectory, $"lvsd-{Lab.Prefix}-superframe.log");
        var sent = Path.Combine(Lab.LabDirectory, "upload.bin");
        var received = Path.Combine(Lab.LabDirectory, ipv6 ? "rs1-upload6.bin" : "rs1-upload.bin");

        // One real server, so every byte has to arrive at rs1. The fixture's lvsd has an empty table (reset) and
        // ignores the VIP; this one owns it and keeps the interfaces' offloads as they are.
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            interfaces:
              - {"{"} name: eth0 {"}"}
              - {"{"} name: eth1 {"}"}
            socket: {"{"} path: {socket} {"}"}
            logging: {"{"} level: debug {"}"}
            offloads: {"{"} disable: false {"}"}
            metrics: {"{"} listen: "127.0.0.1:{MetricsPort}", status_page: false {"}"}
            services:
              - protocol: tcp
                address: {vip}
                port: {UploadPort}
                scheduler: rr
                real_servers:
                  - {"{"} address: {rs1}, method: tunnel {"}"}

            """));
        await File.WriteAllBytesAsync(sent, RandomNumberGenerator.GetBytes(UploadSize));

        // The fixture's lvsd switched the director's GRO/TSO/GSO off when it started; put the veth defaults back.
        var directorOffloads = await OffloadsAsync("dir", "eth0");
        var clientOffloads = await OffloadsAsync("client", "eth0");
        try
        {
            (await Lab.RunIn("dir", "ethtool", "-K", "eth0", "gro", "on", "tso", "on", "gso", "on")).EnsureSuccess();
            (await Lab.RunIn("client", "ethtool", "-K", "eth0", "tso", "on", "gso", "on")).EnsureSuccess();
            Output.WriteLine("director eth0: " + await OffloadsAsync("dir", "eth0"));
            Output.WriteLine("client eth0:   " + await OffloadsAsync("client", "eth0"));

            // An earlier test may have left the client a path MTU for the VIP; this one starts from 1500.
            await Lab.RunIn("client", "ip", family, "route", "flush", "cache");

            using var lvsd = await LvsdProcess.StartAsync(Lab, socket, log, "--config", config, "--socket", socket);
            var before = await CountersAsync();

            var sink = Lab.RunIn("rs1", TimeSpan.FromSeconds(90),
                "timeout", "80", "socat", "-u", ipv6 ? $"TCP6-LISTEN:{port},reuseaddr,ipv6only=1" : $"TCP4-LISTEN:{port},reuseaddr", $"CREATE:{received}");
            var director = await PacketCapture.StartAsync(Lab, "dir", "eth0", 25, ipv6 ? "superframe6-dir" : "superframe-dir", inboundOnly: true);
            var server = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 24, ipv6 ? "superframe6-rs1" : "superframe-rs1", inboundOnly: true);

            var upload = await Lab.RunIn("client", TimeSpan.FromSeconds(70),
                "timeout", "60", "socat", "-u", $"FILE:{sent}", ipv6 ? $"TCP6:[{vip}]:{port},connect-timeout=5" : $"TCP4:{vip}:{port},connect-timeout=5");
            Assert.True(upload.Succeeded, $"{upload.Describe()}\nlvsd log:\n{lvsd.LogTail()}");
            var sunk = await sink;
            Assert.True(sunk.Succeeded, $"the sink on rs1 did not finish: {sunk.Describe()}\nlvsd log:\n{lvsd.LogTail()}");
            var after = await CountersAsync();

            await server.StopAsync();
            await director.StopAsync();

            // The whole upload, byte for byte, reached the real server.
            var got = await File.ReadAllBytesAsync(received);
            Output.WriteLine($"sent {UploadSize} bytes sha256 {Hash(await File.ReadAllBytesAsync(sent))}, rs1 received {got.Length} bytes sha256 {Hash(got)}");
            Assert.Equal(UploadSize, got.Length);
            Assert.Equal(Hash(await File.ReadAllBytesAsync(sent)), Hash(got));

            // Super-frames really reached the director: client segments longer than the client's own MTU.
            var clientSegments = await director.CountAsync($"{ip} and tcp and dst host {vip} and dst port {port}");
            var superFrames = await director.CountAsync($"{ip} and tcp and dst host {vip} and dst port {port} and greater {ClientMtuFrame + 1}");
            Output.WriteLine($"director eth0 received {clientSegments} client segments, {superFrames} of them longer than the 1500-byte MTU");
            Assert.True(superFrames >= 10, $"only {superFrames} of {clientSegments} client segments on the director exceeded the MTU: no super-frames to segment");

            // lvsd cut them instead of dropping them.
            var segmented = after.GetValueOrDefault("segmented_superframes") - before.GetValueOrDefault("segmented_superframes");
            var oversize = after.GetValueOrDefault("oversize") - before.GetValueOrDefault("oversize");
            Output.WriteLine($"lvsd: segmented_superframes +{segmented}, drop oversize +{oversize}");
            Assert.True(segmented >= 10, $"lvsd segmented only {segmented} super-frames; the director's capture saw {superFrames}");
            Assert.Equal(0, oversize);

            // What came out of the tunnel fits the 1400-byte path and is clean down to the inner TCP checksums.
            var tunnelled = await server.CountAsync(tunnelFilter);
            var tooLong = await server.CountAsync($"{tunnelFilter} and greater {TunnelMtuFrame + 1}");
            Output.WriteLine($"rs1 received {tunnelled} {(ipv6 ? "6in6" : "IPIP")} packets from the director, {tooLong} over 1400 bytes");
            // A capture that lost packets itself cannot count what lvsd sent: say so rather than blame the data path.
            Assert.True(server.KernelDrops == 0, $"rs1's capture dropped {server.KernelDrops} packets itself (tcpdump's 'dropped by kernel'), so its count of {tunnelled} tunnel packets says nothing about lvsd");

            // Half the minimum (the hash above proves delivery; retransmissions and coalescing move the exact count).
            Assert.True(tunnelled >= UploadSize / 1400 / 2, $"rs1's capture saw only {tunnelled} tunnel packets for {UploadSize} bytes, with 0 dropped by the capture");
            Assert.Equal(0, tooLong);
            var bad = await server.FindBadPacketsAsync();
            Assert.True(bad.Length == 0, "bad frames on rs1:\n" + string.Join('\n', bad));
        }
        finally
        {
            await RestoreAsync("dir", "eth0", directorOffloads);
            await RestoreAsync("client", "eth0", clientOffloads);
            await Lab.RunIn("client", "ip", family, "route", "flush", "cache");
        }
    }

    private static string Hash(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>"gro on tso off gso off": the three features as ethtool -K takes them.</summary>
    private async Task<string> OffloadsAsync(string node, string device)
    {
        var result = (await Lab.RunIn(node, "ethtool", "-k", device)).EnsureSuccess();
        var words = new List<string>();
        foreach (var (feature, keyword) in new[] { ("generic-receive-offload", "gro"), ("tcp-segmentation-offload", "tso"), ("generic-segmentation-offload", "gso") })
        {
            var line = result.StdOut.Split('\n').First(l => l.StartsWith(feature + ":", StringComparison.Ordinal));
            words.Add(keyword);
            words.Add(line.Contains(": on", StringComparison.Ordinal) ? "on" : "off");
        }

        return string.Join(' ', words);
    }

    private async Task RestoreAsync(string node, string device, string offloads)
    {
        var command = new List<string> { "ethtool", "-K", device };
        command.AddRange(offloads.Split(' '));
        var result = await Lab.RunIn(node, [.. command]);
        Output.WriteLine($"{node} {device} back to {offloads}: exit {result.ExitCode}");
    }

    /// <summary>lvsd's data path counters from its Prometheus endpoint: events by event name, drops by reason.</summary>
    private async Task<Dictionary<string, long>> CountersAsync()
    {
        var result = await Lab.RunIn("dir", "curl", "-sS", "--max-time", "5", $"http://127.0.0.1:{MetricsPort.ToString(CultureInfo.InvariantCulture)}/metrics");
        Assert.True(result.Succeeded, "metrics: " + result.Describe());
        var counters = new Dictionary<string, long>();
        foreach (var line in result.StdOut.Split('\n'))
        {
            foreach (var prefix in new[] { "lvsd_datapath_events_total{event=\"", "lvsd_drops_total{reason=\"" })
            {
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    var end = line.IndexOf('"', prefix.Length);
                    counters[line[prefix.Length..end]] = long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
                }
            }
        }

        Assert.True(counters.ContainsKey("segmented_superframes"), "no segmented_superframes counter in:\n" + result.StdOut);
        return counters;
    }
}
