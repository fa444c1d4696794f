using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>The step-2 schedulers against real nginx servers: lc/wlc look at load, sh/mh at the client address.</summary>
[Collection(TwoArmLab.Name)]
public sealed class SchedulingTests : DirectorTestBase
{
    private const int LongLived = 5;

    public SchedulingTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    /// <summary>
    /// rs1 alone takes five keep-alive connections; then rs2 and rs3 join. IPVS lc/wlc overhead is
    /// active*256 + inactive, so rs1 (1280) stays far above rs2/rs3 whose short connections only add inactive
    /// (TIME_WAIT) entries: all 20 new connections avoid rs1. rr would give rs1 about a third of them.
    /// </summary>
    [Theory]
    [InlineData("lc")]
    [InlineData("wlc")]
    public async Task LeastConnection_NewConnectionsAvoidTheServerHoldingLongLivedOnes(string scheduler)
    {
        await Admin("-A", "-t", TcpVip, "-s", scheduler);
        await Admin("-a", "-t", TcpVip, "-r", RealServer("rs1") + ":80", "-m");
        var open = new List<KeepAliveClient>();
        try
        {
            for (var i = 0; i < LongLived; i++)
            {
                var client = await KeepAliveClient.StartAsync(Lab, Vip, 80);
                open.Add(client);
                Assert.Equal("rs1", client.FirstAnswer);
            }

            await Admin("-a", "-t", TcpVip, "-r", RealServer("rs2") + ":80", "-m");
            await Admin("-a", "-t", TcpVip, "-r", RealServer("rs3") + ":80", "-m");
            var rs1 = Assert.Single((await ListAsync()).Service("TCP", TcpVip).Destinations, d => d.Address == RealServer("rs1") + ":80");
            Assert.True(rs1.ActiveConnections == LongLived, $"rs1 should hold {LongLived} active connections: {rs1.Line}");

            var counts = CountByServer(await GetNamesAsync(20));

            Assert.True(counts["rs1"] == 0, $"{scheduler} sent new connections to the loaded rs1: {Show(counts)}");
            Assert.True(counts["rs2"] > 0 && counts["rs3"] > 0, $"{scheduler} should share between rs2 and rs3: {Show(counts)}");
            Assert.Equal("rs1", await open[0].RequestAsync());
        }
        finally
        {
            foreach (var client in open)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>sh and mh hash the client address: 30 connections from one address all reach one server (rr would cycle).</summary>
    [Theory]
    [InlineData("sh")]
    [InlineData("mh")]
    public async Task SourceHashing_KeepsEachClientAddressOnOneServer(string scheduler)
    {
        await AddTcpServiceAsync(scheduler, 1, 1, 1);

        var first = await GetNamesFromAsync("198.18.0.2", 30);
        var second = await GetNamesFromAsync(LabFixture.SecondClient, 30);

        Assert.True(first.Distinct().Count() == 1, $"{scheduler}: 198.18.0.2 went to {Show(CountByServer(first))}");
        Assert.True(second.Distinct().Count() == 1, $"{scheduler}: {LabFixture.SecondClient} went to {Show(CountByServer(second))}");
        Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scheduler}: 198.18.0.2 -> {first[0]}, {LabFixture.SecondClient} -> {second[0]}"));
    }
}
