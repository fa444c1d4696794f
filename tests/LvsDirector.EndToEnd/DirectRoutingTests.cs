using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Direct routing (-g): lvsd changes only the MACs; real servers hold the VIP on lo (lvsagent setup --mode dr) and
/// answer the client themselves.
/// </summary>
[Collection(DirectRoutingLab.Name)]
public sealed class DirectRoutingTests : ForwardingTestBase
{
    public DirectRoutingTests(DirectRoutingLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task DirectRouting_ThirtyRequestsAndUdpEchoSpreadRoundRobin()
    {
        await AddServiceAsync("-t", 80, "-g");
        await AddServiceAsync("-u", LabFixture.UdpEchoPort, "-g");

        AssertRoundRobin(await GetNamesAsync(30));
        await AssertUdpEchoRoundRobinAsync();
        var table = await ListAsync();
        Assert.Contains("Route", (await Admin("-L", "-n")).StdOut, StringComparison.Ordinal);
        Assert.NotNull(table);
    }

    [Fact]
    public async Task DirectRouting_RepliesBypassTheDirectorAndFramesAreClean()
    {
        await AddServiceAsync("-t", 80, "-g");
        var director = await PacketCapture.StartAsync(Lab, "dir", "eth0", 6, "dr-director");
        var server = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 5, "dr-rs1", inboundOnly: true);

        var names = await GetNamesAsync(6);
        Assert.Equal(2, names.Count(n => n == "rs1"));
        await server.StopAsync();
        await director.StopAsync();

        // The client's segments crossed the director; not one reply (source VIP) did.
        Assert.True(await director.CountAsync("tcp and dst host " + Vip) >= 6 * 4, "the director saw too few client segments");
        Assert.Equal(0, await director.CountAsync("tcp and src host " + Vip));
        Assert.Equal(0, await director.CountAsync("tcp and src port 80"));

        // What reached rs1 from the director is the client's packet, byte-exact but for the MACs, so every checksum holds.
        Assert.True(await server.CountAsync("tcp and dst host " + Vip + " and dst port 80") >= 8, "rs1 received too few VIP segments");
        var bad = await server.FindBadPacketsAsync();
        Assert.True(bad.Length == 0, "bad frames on rs1:\n" + string.Join('\n', bad));
    }
}
