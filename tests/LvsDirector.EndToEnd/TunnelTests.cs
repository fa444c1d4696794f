using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Tunnelling (-i): lvsd wraps the client's packets in IPIP to real servers behind a router; lvsagent on each real
/// server decapsulates into a TUN device; replies go from the VIP on the real server straight to the client.
/// </summary>
[Collection(TunnelLab.Name)]
public sealed class TunnelTests : ForwardingTestBase
{
    public TunnelTests(TunnelLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task Tunnel_ThirtyRequestsAndUdpEchoSpreadRoundRobin()
    {
        await AddServiceAsync("-t", 80, "-i");
        await AddServiceAsync("-u", LabFixture.UdpEchoPort, "-i");

        AssertRoundRobin(await GetNamesAsync(30));
        await AssertUdpEchoRoundRobinAsync();
        Assert.Contains("Tunnel", (await Admin("-L", "-n")).StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tunnel_LargeUploadOverTheSmallerTunnelMtuCompletesThroughIcmpFragmentationNeeded()
    {
        await AddServiceAsync("-t", LabFixture.TcpEchoPort, "-i");
        var client = await PacketCapture.StartAsync(Lab, "client", "eth0", 8, "tun-client", inboundOnly: true);
        var server = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 7, "tun-rs1", inboundOnly: true);

        // Three connections, so rs1 gets one; 1 MiB each way. The client starts with 1500-byte DF segments (TSO is off
        // in this lab), which no longer fit eth1's 1400 bytes once wrapped: lvsd must answer with fragmentation-needed.
        for (var i = 0; i < 3; i++)
        {
            var echo = await Lab.Python("client", "tcp_echo_probe.py", TimeSpan.FromSeconds(30), Vip,
                LabFixture.TcpEchoPort.ToString(CultureInfo.InvariantCulture), (1 << 20).ToString(CultureInfo.InvariantCulture));
            Assert.True(echo.Succeeded && echo.StdOut.StartsWith("ok", StringComparison.Ordinal), $"{echo.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        }

        await server.StopAsync();
        await client.StopAsync();

        // Sent from the VIP, type 3 code 4, next-hop MTU 1400 - 20.
        var fragNeeded = await client.CountAsync($"src host {Vip} and icmp[icmptype] == 3 and icmp[icmpcode] == 4 and icmp[6:2] == 1380");
        Assert.True(fragNeeded >= 1, "the client received no ICMP fragmentation-needed (MTU 1380) from the VIP");

        Assert.True(await server.CountAsync("ip proto 4 and src host 198.19.0.1") > 100, "rs1 received too few IPIP packets from the director");
        var bad = await server.FindBadPacketsAsync();
        Assert.True(bad.Length == 0, "bad frames on rs1:\n" + string.Join('\n', bad));
    }
}
