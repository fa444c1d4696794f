using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// NAT (-m) over IPv6 on a single interface: client 2001:db8::2, director eth0 2001:db8::1 and real servers
/// 2001:db8::11..13 (/128, default via the director) share br0, so lvsd both receives and sends every packet on eth0.
/// Run alone with --filter Family=IPv6.
/// </summary>
[Collection(OneArmLab.Name)]
[Trait("Family", "IPv6")]
public sealed class Ipv6OneArmTests : ForwardingTestBase
{
    public Ipv6OneArmTests(OneArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task OneArm6_CurlAndUdpEchoSpreadRoundRobinAndOnlyTheVipAnswersTheClient()
    {
        await AddService6Async("-t", 80, "-m");
        await AddService6Async("-u", LabFixture.UdpEchoPort, "-m");
        var listing = (await Admin("-L", "-n")).StdOut;
        Output.WriteLine(listing);
        Assert.Contains($"TCP  [{LabFixture.Vip6}]:80 rr", listing, StringComparison.Ordinal);
        Assert.Contains($"UDP  [{LabFixture.Vip6}]:{LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture)} rr", listing, StringComparison.Ordinal);
        Assert.Contains("Masq", listing, StringComparison.Ordinal);

        // The lab itself is sound: the director reaches every real server over IPv6 on the shared segment. If this
        // fails, a failure below says nothing about lvsd.
        foreach (var rs in Lab.RealServers6)
        {
            var direct = await Lab.RunIn("dir", "curl", "-6", "-sS", "--connect-timeout", "3", "--max-time", "5", $"http://[{rs}]/");
            Assert.True(direct.Succeeded, "the lab is broken, not lvsd: " + direct.Describe());
        }

        var client = await PacketCapture.StartAsync(Lab, "client", "eth0", 20, "onearm6-client", inboundOnly: true);
        var names = await GetNames6Async(12);
        AssertRoundRobin(names);
        await AssertUdpEcho6RoundRobinAsync();
        await client.StopAsync();

        // The real servers are on the client's segment, but every answer must come through lvsd, from the VIP.
        foreach (var rs in Lab.RealServers6)
        {
            Assert.Equal(0, await client.CountAsync($"ip6 and (tcp or udp) and src host {rs}"));
        }

        var fromVip = await client.CountAsync($"ip6 and tcp and src host {LabFixture.Vip6} and src port 80");
        Output.WriteLine($"client received {fromVip} TCP segments from [{LabFixture.Vip6}]:80");
        Assert.True(fromVip >= 12 * 3, $"the client received only {fromVip} segments from the VIP for 12 connections");
        var bad = await client.FindBadPacketsAsync();
        Assert.True(bad.Length == 0, "bad frames on the client:\n" + string.Join('\n', bad));
    }
}
