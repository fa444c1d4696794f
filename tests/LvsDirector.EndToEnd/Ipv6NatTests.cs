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
    public Task Nat6_RealServersSeeTheClientTheClientSeesTheVipAndFramesAreClean() => AssertNatOnTheWireAsync(ipv6: true);

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
