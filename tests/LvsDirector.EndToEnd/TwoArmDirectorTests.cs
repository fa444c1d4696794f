using System.Globalization;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>lvsd in NAT mode between a client net and a server net, driven only through lvsadm.</summary>
[Collection(TwoArmLab.Name)]
public sealed class TwoArmDirectorTests : DirectorTestBase
{
    public TwoArmDirectorTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task RoundRobin_ThirtyRequests_AnsweredByAllThreeServersInTurn()
    {
        await AddTcpServiceAsync("rr", 1, 1, 1);

        var names = await GetNamesAsync(30);

        AssertRoundRobin(names);
    }

    [Fact]
    public async Task WeightedRoundRobin_Weights321_SplitsThirtyConnections15To10To5()
    {
        await AddTcpServiceAsync("wrr", 3, 2, 1);

        var counts = CountByServer(await GetNamesAsync(30));

        Assert.True(counts["rs1"] == 15 && counts["rs2"] == 10 && counts["rs3"] == 5, $"expected rs1=15, rs2=10, rs3=5; got {Show(counts)}");
    }

    [Fact]
    public async Task UdpEcho_ThroughVip_AnsweredFromVipWithServerNameAndPayload()
    {
        await AddUdpEchoServiceAsync();

        var payload = "e2e-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var result = await Lab.UdpProbe(Vip, LabFixture.UdpEchoPort, payload, 3, TimeSpan.FromSeconds(20));

        Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        var servers = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var parts = lines[i].Split(' ', 2);
            Assert.Equal($"{Vip}:{LabFixture.UdpEchoPort}", parts[0]);
            var answer = parts[1].Split(':', 2);
            Assert.Contains(answer[0], ServerNames);
            Assert.Equal($"{payload}-{i}", answer[1]);
            servers.Add(answer[0]);
        }

        // Each datagram came from a new source port, i.e. a new UDP connection: rr gives each server one.
        Assert.True(servers.Distinct().Count() == 3, "three new UDP connections went to " + string.Join(' ', servers));
    }

    [Fact]
    public async Task List_AfterThirtyRequests_ShowsServiceServersAndMatchingCounters()
    {
        // Distinct weights make each row identifiable; rr ignores them (all non-zero), so 10 each.
        await AddTcpServiceAsync("rr", 1, 2, 3);
        await GetNamesAsync(30);

        var table = await ListAsync();

        Assert.Equal(3, table.HeaderLines.Count);
        Assert.Matches(IpvsTable.VersionLinePattern, table.HeaderLines[0]);
        Assert.Equal([IpvsTable.ServiceHeader, IpvsTable.DestinationHeader], table.HeaderLines.Skip(1));
        var service = Assert.Single(table.Services);
        Assert.Equal(("TCP", TcpVip, "rr", ""), (service.Protocol, service.Address, service.Scheduler, service.Flags));
        Assert.Equal(3, service.Destinations.Count);
        for (var i = 0; i < 3; i++)
        {
            var destination = Assert.Single(service.Destinations, d => d.Address == $"{Lab.RealServers[i]}:80");
            Assert.Equal("Masq", destination.Forward);
            Assert.Equal(i + 1, destination.Weight);
            Assert.True(destination.TotalConnections == 10,
                $"{destination.Address}: ActiveConn {destination.ActiveConnections} + InActConn {destination.InactiveConnections} != 10");
            var expected = IpvsTable.FormatDestination(destination.Address, "Masq", i + 1, destination.ActiveConnections, destination.InactiveConnections);
            Assert.Equal(expected.TrimEnd(), destination.Line.TrimEnd());
        }
    }

    [Fact]
    public async Task DeleteRealServer_NewConnectionsNeverReachIt()
    {
        await AddTcpServiceAsync("rr", 1, 1, 1);
        Assert.Contains("rs2", await GetNamesAsync(3));

        await Admin("-d", "-t", TcpVip, "-r", RealServer("rs2") + ":80");
        var counts = CountByServer(await GetNamesAsync(30));

        Assert.True(counts["rs2"] == 0 && counts["rs1"] == 15 && counts["rs3"] == 15, $"after -d rs2: {Show(counts)}");
        var service = (await ListAsync()).Service("TCP", TcpVip);
        Assert.DoesNotContain(service.Destinations, d => d.Address.StartsWith(RealServer("rs2") + ":", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WeightZero_KeepsOpenConnectionButNewOnesAvoidTheServer()
    {
        await AddTcpServiceAsync("rr", 1, 1, 1);
        using var open = await KeepAliveClient.StartAsync(Lab, Vip, 80);
        var pinned = open.FirstAnswer;
        Assert.Contains(pinned, ServerNames);
        Assert.Equal(pinned, await open.RequestAsync());

        await Admin("-e", "-t", TcpVip, "-r", RealServer(pinned) + ":80", "-m", "-w", "0");
        var counts = CountByServer(await GetNamesAsync(20));

        Assert.True(counts[pinned] == 0, $"{pinned} has weight 0 but got new connections: {Show(counts)}");
        Assert.True(counts.Count(kv => kv.Value > 0) == 2, $"the other two should share: {Show(counts)}");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(pinned, await open.RequestAsync());
        }

        var row = Assert.Single((await ListAsync()).Service("TCP", TcpVip).Destinations, d => d.Address == RealServer(pinned) + ":80");
        Assert.Equal(0, row.Weight);
        Assert.True(row.ActiveConnections >= 1, $"the open connection should count as active on {pinned}: {row.Line}");
    }

    [Fact]
    public async Task Offloads_StayOnInTheLab_AndTrafficStillFlows()
    {
        // Partial checksums come from the sender's tx checksum offload; keeping it on is the point.
        foreach (var node in new[] { "client", "rs1" })
        {
            var features = await Lab.RunIn(node, "ethtool", "-k", "eth0");
            Assert.True(features.Succeeded, features.Describe());
            Assert.Contains("tx-checksumming: on", features.StdOut, StringComparison.Ordinal);
            Assert.Contains("generic-segmentation-offload: on", features.StdOut, StringComparison.Ordinal);
        }

        await AddTcpServiceAsync("rr", 1, 1, 1);
        AssertRoundRobin(await GetNamesAsync(6));
    }

    [Fact]
    public async Task LargeDownload_ThroughVip_ArrivesIntact()
    {
        // 1 MiB responses leave the real servers as TSO/GSO super-frames with partial checksums.
        await AddTcpServiceAsync("rr", 1, 1, 1);
        string expected;
        await using (var original = File.OpenRead(Path.Combine(Lab.LabDirectory, "big.bin")))
        {
            expected = Convert.ToHexString(await SHA256.HashDataAsync(original));
        }

        for (var i = 0; i < 3; i++)
        {
            var target = Path.Combine(Lab.LabDirectory, $"download-{i}.bin");
            var result = await Lab.RunIn("client", TimeSpan.FromSeconds(30),
                "curl", "-sS", "--connect-timeout", "3", "--max-time", "20", "-o", target, $"http://{Vip}/big.bin");
            Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
            await using var file = File.OpenRead(target);
            Assert.Equal(expected, Convert.ToHexString(await SHA256.HashDataAsync(file)));
        }
    }

    [Fact]
    public async Task LargeUpload_TcpEchoThroughVip_ReturnsEveryByte()
    {
        // The client's own 1 MiB of writes crosses its veth as super-frames towards the director.
        await AddTcpServiceOnPortAsync("rr", LabFixture.TcpEchoPort, 1, 1, 1);

        for (var i = 0; i < 3; i++)
        {
            var result = await Lab.Python("client", "tcp_echo_probe.py", TimeSpan.FromSeconds(30),
                Vip, LabFixture.TcpEchoPort.ToString(CultureInfo.InvariantCulture), "1048576");
            Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
            Assert.Equal("ok 1048576", result.StdOut.Trim());
        }
    }

    [Fact]
    public async Task DirectorKernel_DoesNotOwnVipNorForward_YetTrafficFlows()
    {
        await AddTcpServiceAsync("rr", 1, 1, 1);

        var addresses = await Lab.RunIn("dir", "ip", "-o", "addr", "show");
        Assert.True(addresses.Succeeded, addresses.Describe());
        Assert.DoesNotContain(Vip + "/", addresses.StdOut, StringComparison.Ordinal);
        var forwarding = await Lab.RunIn("dir", "sysctl", "-n", "net.ipv4.ip_forward");
        Assert.Equal("0", forwarding.StdOut.Trim());

        AssertRoundRobin(await GetNamesAsync(3));
    }

    [Fact]
    public async Task EditService_SwitchingRrToWrr_AppliesTheWeights()
    {
        await AddTcpServiceAsync("rr", 3, 2, 1);
        AssertRoundRobin(await GetNamesAsync(6));

        await Admin("-E", "-t", TcpVip, "-s", "wrr");
        var counts = CountByServer(await GetNamesAsync(30));

        Assert.True(counts["rs1"] == 15 && counts["rs2"] == 10 && counts["rs3"] == 5, $"after -E wrr: {Show(counts)}");
        Assert.Equal("wrr", (await ListAsync()).Service("TCP", TcpVip).Scheduler);
    }

    [Fact]
    public async Task DeleteService_RemovesItAndTheVipStopsAnswering()
    {
        await AddTcpServiceAsync("rr", 1, 1, 1);
        await GetNameAsync();

        await Admin("-D", "-t", TcpVip);

        Assert.Empty((await ListAsync()).Services);
        var curl = await Lab.Curl($"http://{Vip}/");
        Assert.False(curl.Succeeded, "curl through a deleted service should fail: " + curl.Describe());
    }

    [Fact]
    public async Task Lvsadm_Errors_GoToStderrWithNonZeroExit()
    {
        var missing = await Lab.Lvsadm("-a", "-t", "198.18.0.101:80", "-r", Lab.RealServers[0] + ":80", "-m");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(missing.StdErr), missing.Describe());

        var badScheduler = await Lab.Lvsadm("-A", "-t", TcpVip, "-s", "no-such-scheduler");
        Assert.NotEqual(0, badScheduler.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(badScheduler.StdErr), badScheduler.Describe());
        Assert.Empty((await ListAsync()).Services);
    }
}
