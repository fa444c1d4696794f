using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Direct routing (-g) over IPv6: the real servers (2001:db8::11..13, on the client's link) hold 2001:db8::100/128 on
/// lo (lvsagent setup) and answer the client themselves; lvsd answers neighbour solicitations for the VIP and changes
/// only the MACs. Run alone with --filter Family=IPv6.
/// </summary>
[Collection(DirectRoutingLab.Name)]
[Trait("Family", "IPv6")]
public sealed class Ipv6DirectRoutingTests : ForwardingTestBase
{
    public Ipv6DirectRoutingTests(DirectRoutingLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task DirectRouting6_ThirtyRequestsAndUdpEchoSpreadRoundRobin()
    {
        await AddService6Async("-t", 80, "-g");
        await AddService6Async("-u", LabFixture.UdpEchoPort, "-g");

        AssertRoundRobin(await GetNames6Async(30));
        await AssertUdpEcho6RoundRobinAsync();
        Assert.Contains("Route", (await Admin("-L", "-n")).StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DirectRouting6_RepliesBypassTheDirectorOnlyTheDirectorAdvertisesTheVipAndFramesAreClean()
    {
        await AddService6Async("-t", 80, "-g");

        // A fresh neighbour solicitation for the VIP, which every real server holds on lo, goes out in the capture.
        (await Lab.RunIn("client", "ip", "-6", "neigh", "flush", "dev", "eth0")).EnsureSuccess();
        var wire = await PacketCapture.StartAsync(Lab, "client", "eth0", 8, "dr6-client", inboundOnly: true);
        var director = await PacketCapture.StartAsync(Lab, "dir", "eth0", 7, "dr6-director");
        var server = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 6, "dr6-rs1", inboundOnly: true);

        var names = await GetNames6Async(6);
        Assert.Equal(2, names.Count(n => n == "rs1"));
        await server.StopAsync();
        await director.StopAsync();
        await wire.StopAsync();

        // The client's segments crossed the director; not one reply (source VIP) did.
        Assert.True(await director.CountAsync($"ip6 and tcp and dst host {LabFixture.Vip6}") >= 6 * 4, "the director saw too few client segments");
        Assert.Equal(0, await director.CountAsync($"ip6 and tcp and src host {LabFixture.Vip6}"));
        Assert.Equal(0, await director.CountAsync("ip6 and tcp and src port 80"));

        // Neighbour advertisements (ICMPv6 type 136) for the VIP: the director's only. The real servers' kernels do not
        // answer a solicitation for an address on lo that arrives on eth0, so IPv6 needs no arp_ignore.
        var directorMac = (await Lab.RunIn("dir", "cat", "/sys/class/net/eth0/address")).StdOut.Trim();
        var advertisements = $"icmp6 and ip6[40] == 136 and ip6[48:4] == 0x20010db8 and ip6[60:4] == 0x00000100";
        Assert.True(await wire.CountAsync(advertisements) >= 1, "no neighbour advertisement for the VIP reached the client");
        Assert.Equal(0, await wire.CountAsync($"{advertisements} and not ether src {directorMac}"));

        // What reached rs1 from the director is the client's packet, byte-exact but for the MACs, so every checksum holds.
        Assert.True(await server.CountAsync($"ip6 and tcp and dst host {LabFixture.Vip6} and dst port 80") >= 8, "rs1 received too few VIP segments");
        var bad = (await server.FindBadPacketsAsync()).Concat(await wire.FindBadPacketsAsync(directorMac)).ToArray();
        Assert.True(bad.Length == 0, "bad frames:\n" + string.Join('\n', bad));
    }
}
