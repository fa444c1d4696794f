using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// NAT (-m) over IPv6 in the two-arm lab: client 2001:db8::2 on br0, real servers 2001:db8:1::11..13 on br1 with the
/// director's eth1 (2001:db8:1::1) as their default router. Run alone with --filter Family=IPv6.
/// </summary>
[Collection(TwoArmLab.Name)]
[Trait("Family", "IPv6")]
public sealed class Ipv6NatTests : ForwardingTestBase
{
    public Ipv6NatTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task Nat6_ThirtyRequestsAndUdpEchoSpreadRoundRobin()
    {
        await AddService6Async("-t", 80, "-m");
        await AddService6Async("-u", LabFixture.UdpEchoPort, "-m");

        AssertRoundRobin(await GetNames6Async(30));
        await AssertUdpEcho6RoundRobinAsync();
        var listing = (await Admin("-L", "-n")).StdOut;
        Output.WriteLine(listing);
        Assert.Contains($"TCP  [{LabFixture.Vip6}]:80 rr", listing, StringComparison.Ordinal);
        Assert.Contains($"-> [{Lab.RealServers6[0]}]:80", listing, StringComparison.Ordinal);
        Assert.Contains("Masq", listing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nat6_RealServersSeeTheClientTheClientSeesTheVipAndFramesAreClean()
    {
        await AddService6Async("-t", 80, "-m");
        await AddService6Async("-u", LabFixture.UdpEchoPort, "-m");
        var client = await PacketCapture.StartAsync(Lab, "client", "eth0", 8, "nat6-client", inboundOnly: true);
        var server = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 7, "nat6-rs1", inboundOnly: true);

        var names = await GetNames6Async(6);
        Assert.Equal(2, names.Count(n => n == "rs1"));
        await AssertUdpEcho6RoundRobinAsync();
        await server.StopAsync();
        await client.StopAsync();

        // Only the destination changed on the way in, only the source on the way out.
        var rs1 = Lab.RealServers6[0];
        Assert.True(await server.CountAsync($"ip6 and tcp and src host {LabFixture.Client6} and dst host {rs1} and dst port 80") >= 8,
            "rs1 received too few client segments addressed to it");
        Assert.True(await server.CountAsync($"ip6 and udp and src host {LabFixture.Client6} and dst host {rs1} and dst port 9000") >= 2,
            "rs1 received too few client datagrams");
        Assert.Equal(0, await client.CountAsync($"ip6 and src host {rs1}"));
        Assert.True(await client.CountAsync($"ip6 and tcp and src host {LabFixture.Vip6} and src port 80") >= 6 * 3,
            "the client received too few segments from the VIP");

        var bad = (await server.FindBadPacketsAsync()).Concat(await client.FindBadPacketsAsync()).ToArray();
        Assert.True(bad.Length == 0, "bad frames:\n" + string.Join('\n', bad));
    }

    /// <summary>The YAML surface: IPv6 VIP and real servers, and the interfaces' own addresses given in the file.</summary>
    [Fact]
    public async Task Nat6_ServicesFromAConfigFileWithIpv6AddressesAreServed()
    {
        // The fixture's lvsd has an empty table (reset), so only this one owns the VIP.
        var socket = Path.Combine(Lab.LabDirectory, "lvsd-v6.sock");
        var config = Path.Combine(Lab.LabDirectory, "lvsd-v6.yaml");
        var log = Path.Combine(RepositoryPaths.LogDirectory, $"lvsd-{Lab.Prefix}-v6.log");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            interfaces:
              - {"{"} name: eth0, addresses: [198.18.0.1/24, {LabFixture.DirectorEth0Ipv6}/64] {"}"}
              - {"{"} name: eth1, addresses: [198.19.0.1/24, {LabFixture.DirectorEth1Ipv6}/64] {"}"}
            socket: {"{"} path: {socket} {"}"}
            logging: {"{"} level: debug {"}"}
            services:
              - protocol: tcp
                address: {LabFixture.Vip6}
                port: 80
                scheduler: rr
                real_servers:
                  - {"{"} address: {Lab.RealServers6[0]}, method: masq {"}"}
                  - {"{"} address: {Lab.RealServers6[1]}, method: masq {"}"}
                  - {"{"} address: {Lab.RealServers6[2]}, method: masq {"}"}

            """));

        using var lvsd = await LvsdProcess.StartAsync(Lab, socket, log, "--config", config, "--socket", socket);
        var listing = await Lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", socket, "-L", "-n");
        Assert.True(listing.Succeeded, listing.Describe());
        Output.WriteLine(listing.StdOut);
        Assert.Contains($"-> [{Lab.RealServers6[2]}]:80", listing.StdOut, StringComparison.Ordinal);

        var names = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var result = await Lab.Curl6($"http://[{LabFixture.Vip6}]/");
            Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{lvsd.LogTail()}");
            names.Add(result.StdOut.Trim());
        }

        AssertRoundRobin(names);
    }
}
