using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Tunnelling (-i) over IPv6: lvsd wraps the client's packets in 6in6 (next header 41) from 2001:db8:1::1 to real
/// servers 2001:db8:2::11..13 behind the router; lvsagent decapsulates into its TUN device; replies go from the VIP on
/// the real server straight to the client. Run alone with --filter Family=IPv6.
/// </summary>
[Collection(TunnelLab.Name)]
[Trait("Family", "IPv6")]
public sealed class Ipv6TunnelTests : ForwardingTestBase
{
    public Ipv6TunnelTests(TunnelLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task Tunnel6_ThirtyRequestsAndUdpEchoSpreadRoundRobin()
    {
        await AddService6Async("-t", 80, "-i");
        await AddService6Async("-u", LabFixture.UdpEchoPort, "-i");

        AssertRoundRobin(await GetNames6Async(30));
        await AssertUdpEcho6RoundRobinAsync();
        Assert.Contains("Tunnel", (await Admin("-L", "-n")).StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tunnel6_LargeUploadOverTheSmallerTunnelMtuCompletesThroughPacketTooBig()
    {
        await AddService6Async("-t", LabFixture.TcpEchoPort, "-i");

        // The client may remember a path MTU from an earlier test; this one must start from 1500.
        await Lab.RunIn("client", "ip", "-6", "route", "flush", "cache");
        var client = await PacketCapture.StartAsync(Lab, "client", "eth0", 8, "tun6-client", inboundOnly: true);
        var server = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 7, "tun6-rs1", inboundOnly: true);

        // Three connections, so rs1 gets one; 1 MiB each way. The client starts with 1500-byte segments (TSO is off in
        // this lab), which no longer fit eth1's 1400 bytes once wrapped: IPv6 routers never fragment, so lvsd must
        // answer with ICMPv6 Packet Too Big and the client must send smaller segments.
        for (var i = 0; i < 3; i++)
        {
            var echo = await Lab.Python("client", "tcp_echo_probe.py", TimeSpan.FromSeconds(30), LabFixture.Vip6,
                LabFixture.TcpEchoPort.ToString(CultureInfo.InvariantCulture), (1 << 20).ToString(CultureInfo.InvariantCulture));
            Assert.True(echo.Succeeded && echo.StdOut.StartsWith("ok", StringComparison.Ordinal), $"{echo.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        }

        await server.StopAsync();
        await client.StopAsync();

        // Sent from the VIP, ICMPv6 type 2 (Packet Too Big), MTU 1400 - 40 (the outer IPv6 header).
        var tooBig = await client.CountAsync($"icmp6 and src host {LabFixture.Vip6} and ip6[40] == 2 and ip6[44:4] == 1360");
        Assert.True(tooBig >= 1, "the client received no ICMPv6 Packet Too Big (MTU 1360) from the VIP");

        Assert.True(await server.CountAsync($"ip6 and ip6[6] == 41 and src host {LabFixture.DirectorEth1Ipv6}") > 100,
            "rs1 received too few 6in6 packets from the director");
        // The client also hears rs1's replies, straight through the router: judge only what the director sent it.
        var directorMac = (await Lab.RunIn("dir", "cat", "/sys/class/net/eth0/address")).StdOut.Trim();
        var bad = (await server.FindBadPacketsAsync()).Concat(await client.FindBadPacketsAsync(directorMac)).ToArray();
        Assert.True(bad.Length == 0, "bad frames:\n" + string.Join('\n', bad));
    }
}
