using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>ipvsadm -p: persistence templates hold a client address on one real server.</summary>
[Collection(TwoArmLab.Name)]
public sealed class PersistenceTests : DirectorTestBase
{
    public PersistenceTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    /// <summary>
    /// Under rr every new connection would move on; with -p the template pins 198.18.0.2. The second client
    /// address has no template yet, so rr schedules it and, rr being rr, picks the next server.
    /// </summary>
    [Fact]
    public async Task PersistentRr_HoldsOneClientOnItsServer_OtherClientsStillScheduled()
    {
        await Admin("-A", "-t", TcpVip, "-s", "rr", "-p", "5");
        foreach (var rs in Lab.RealServers)
        {
            await Admin("-a", "-t", TcpVip, "-r", rs + ":80", "-m");
        }

        var held = await GetNamesFromAsync("198.18.0.2", 30);
        Assert.True(held.Distinct().Count() == 1, $"persistent service moved 198.18.0.2: {Show(CountByServer(held))}");

        var other = await GetNameFromAsync(LabFixture.SecondClient);
        Assert.NotEqual(held[0], other);
        Assert.True((await GetNamesFromAsync("198.18.0.2", 5)).All(n => n == held[0]), "198.18.0.2 lost its server");
        Assert.Contains("rr persistent 5", (await Admin("-L", "-n")).StdOut, StringComparison.Ordinal);
    }

    /// <summary>
    /// A template lives while connections it controls live (IPVS ip_vs_conn_expire) and for the persistence
    /// timeout after its last use. TCP connections linger 120 s in TIME_WAIT, so the expiry is shown with UDP:
    /// a 2 s UDP timeout (--set) and -p 2 let the template go within seconds; after that rr picks the next server.
    /// </summary>
    [Fact]
    public async Task PersistentUdp_AfterTemplateExpiry_NewConnectionsMove()
    {
        var port = LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture);
        var vip = $"{Vip}:{port}";
        await Admin("--set", "0", "0", "2");
        try
        {
            Assert.Contains("Timeout (tcp tcpfin udp): ", (await Admin("-L", "--timeout")).StdOut, StringComparison.Ordinal);
            await Admin("-A", "-u", vip, "-s", "rr", "-p", "2");
            foreach (var rs in Lab.RealServers)
            {
                await Admin("-a", "-u", vip, "-r", $"{rs}:{port}", "-m");
            }

            var before = await ProbeAsync(30);
            Assert.True(before.Distinct().Count() == 1, "persistent UDP service moved the client: " + string.Join(' ', before));

            // No traffic: connections expire after 2 s, the template 2 s after its last use; 6 s leaves slack.
            await Task.Delay(TimeSpan.FromSeconds(6));
            var after = await ProbeAsync(3);

            Assert.True(after.Distinct().Count() == 1, "the new template should hold too: " + string.Join(' ', after));
            Assert.NotEqual(before[0], after[0]);
        }
        finally
        {
            await Lab.Lvsadm("--set", "0", "0", "300");
        }
    }

    private async Task<List<string>> ProbeAsync(int count)
    {
        var result = await Lab.UdpProbe(Vip, LabFixture.UdpEchoPort, "persist", count, TimeSpan.FromSeconds(30));
        Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        var servers = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', 2)[1].Split(':', 2)[0])
            .ToList();
        Assert.Equal(count, servers.Count);
        Output.WriteLine("udp answers: " + string.Join(' ', servers));
        return servers;
    }
}
