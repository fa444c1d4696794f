using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>lvsadm -L -c, -L --rate and -S/-R against the running lvsd.</summary>
[Collection(TwoArmLab.Name)]
public sealed class OperatorSurfaceTests : DirectorTestBase
{
    public OperatorSurfaceTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task ListConnections_ShowsAnOpenConnectionInIpvsadmLayout()
    {
        await AddTcpServiceAsync("rr", 1, 1, 1);
        using var open = await KeepAliveClient.StartAsync(Lab, Vip, 80);

        var result = await Admin("-L", "-n", "-c");

        Output.WriteLine(result.StdOut);
        var lines = result.StdOut.Split('\n');
        Assert.Equal("IPVS connection entries", lines[0]);
        Assert.Equal("pro expire state       source             virtual            destination", lines[1]);
        var client = $"198.18.0.2:{open.LocalPort.ToString(CultureInfo.InvariantCulture)}";
        var row = Assert.Single(lines, l => l.Contains(client + " ", StringComparison.Ordinal));
        var expected = new Regex(
            $@"^TCP (\d\d):(\d\d)  ESTABLISHED {Regex.Escape(client.PadRight(18))} {Regex.Escape((TcpVip).PadRight(18))} {Regex.Escape(RealServer(open.FirstAnswer))}:80$");
        var match = expected.Match(row);
        Assert.True(match.Success, $"row '{row}' is not the ipvsadm layout for {client} -> {open.FirstAnswer}");
        var seconds = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) * 60) + int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        Assert.InRange(seconds, 800, 900);
    }

    [Fact]
    public async Task ListConnections_ShowsThePersistenceTemplate()
    {
        await Admin("-A", "-t", TcpVip, "-s", "rr", "-p", "30");
        foreach (var rs in Lab.RealServers)
        {
            await Admin("-a", "-t", TcpVip, "-r", rs + ":80", "-m");
        }

        var server = await GetNameFromAsync("198.18.0.2");
        var result = await Admin("-L", "-n", "-c");

        Output.WriteLine(result.StdOut);
        var template = $"TCP \\d\\d:\\d\\d  NONE        198\\.18\\.0\\.2:0       {Regex.Escape(TcpVip.PadRight(18))} {Regex.Escape(RealServer(server))}:80";
        Assert.Matches(new Regex("^" + template + "$", RegexOptions.Multiline), result.StdOut);
    }

    [Fact]
    public async Task Rate_AfterSteadyTraffic_ShowsNonZeroRatesForTheService()
    {
        await AddTcpServiceAsync("rr", 1, 1, 1);

        // Traffic over more than three 2 s estimator ticks.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(7))
        {
            await GetNameAsync();
            await Task.Delay(100);
        }

        var result = await Admin("-L", "-n", "--rate");

        Output.WriteLine(result.StdOut);
        var row = Assert.Single(result.StdOut.Split('\n'), l => l.StartsWith("TCP  " + TcpVip + " ", StringComparison.Ordinal));
        var columns = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, columns.Length);
        Assert.True(columns.Skip(2).All(c => c != "0"), $"every rate (CPS InPPS OutPPS InBPS OutBPS) should be above zero: '{row}'");
    }

    [Fact]
    public async Task SaveThenRestore_RebuildsTheSameTable()
    {
        await AddTcpServiceAsync("wrr", 3, 2, 1);
        await AddUdpEchoServiceAsync();
        var saved = (await Admin("-S", "-n")).StdOut;
        Assert.Contains($"-A -t {TcpVip} -s wrr\n", saved, StringComparison.Ordinal);

        await Admin("-C");
        var restore = await Lab.RunIn("dir", TimeSpan.FromSeconds(20), ["bash", "-c", "\"$@\" <\"$0\"", WriteTemp(saved), LabFixture.LvsadmPath, "--socket", Lab.SocketPath, "-R"]);

        Assert.True(restore.Succeeded, restore.Describe());
        Assert.Equal(saved, (await Admin("-S", "-n")).StdOut);
        Assert.Equal(30, (await GetNamesAsync(30)).Count);
    }

    private string WriteTemp(string content)
    {
        var path = Path.Combine(Lab.LabDirectory, "saved-rules.txt");
        File.WriteAllText(path, content);
        return path;
    }
}
