using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// NAT over IPv4, judged on the wire: what the real server receives and what the client receives are the frames lvsd
/// rewrote, and tshark must find every checksum in them right (the IPv4 twin of the IPv6 NAT capture test).
/// </summary>
[Collection(TwoArmLab.Name)]
public sealed class NatCaptureTests : ForwardingTestBase
{
    // The client's primary address, its source for new connections (scripts/lab.sh).
    private const string ClientAddress = "198.18.0.2";

    public NatCaptureTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task Nat_RealServersSeeTheClientTheClientSeesTheVipAndFramesAreClean()
    {
        await AddServiceAsync("-t", 80, "-m");
        await AddServiceAsync("-u", LabFixture.UdpEchoPort, "-m");
        var client = await PacketCapture.StartAsync(Lab, "client", "eth0", 8, "nat4-client", inboundOnly: true);
        var server = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 7, "nat4-rs1", inboundOnly: true);

        var names = await GetNamesAsync(6);
        Assert.Equal(2, names.Count(n => n == "rs1"));
        await AssertUdpEchoRoundRobinAsync();
        await server.StopAsync();
        await client.StopAsync();

        // Only the destination changed on the way in, only the source on the way out.
        var rs1 = Lab.RealServers[0];
        Assert.True(await server.CountAsync($"ip and tcp and src host {ClientAddress} and dst host {rs1} and dst port 80") >= 8,
            "rs1 received too few client segments addressed to it");
        Assert.True(await server.CountAsync($"ip and udp and src host {ClientAddress} and dst host {rs1} and dst port {LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture)}") >= 2,
            "rs1 received too few client datagrams");
        Assert.Equal(0, await client.CountAsync($"ip and src host {rs1}"));
        Assert.True(await client.CountAsync($"ip and tcp and src host {Vip} and src port 80") >= 6 * 3,
            "the client received too few segments from the VIP");

        var bad = (await server.FindBadPacketsAsync()).Concat(await client.FindBadPacketsAsync()).ToArray();
        Assert.True(bad.Length == 0, "bad frames:\n" + string.Join('\n', bad));
    }
}
