using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Fragments and ICMP through lvsd with real kernels on both sides: datagrams over the MTU both ways, echo requests to
/// the VIP, and an ICMP port unreachable from a real server that must reach the client's socket in the VIP's name.
/// </summary>
[Collection(TwoArmLab.Name)]
public sealed class IcmpAndFragmentTests : DirectorTestBase
{
    private const int UnusedUdpPort = 9009;

    public IcmpAndFragmentTests(TwoArmLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task UdpEcho_8000ByteDatagram_FragmentedBothWays_ComesBackWhole()
    {
        await AddUdpEchoServiceAsync();

        var names = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var result = await Lab.Python("client", "udp_fragment_probe.py", TimeSpan.FromSeconds(15),
                "echo", Vip, LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture), "8000");
            Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
            var parts = result.StdOut.Trim().Split(' ');
            Assert.Contains(parts[0], ServerNames);
            Assert.Equal("8000", parts[1]);
            names.Add(parts[0]);
        }

        Output.WriteLine("answered by " + string.Join(' ', names));
        // Each probe is a new socket, hence a new connection: rr spreads them, and each datagram still came back whole.
        Assert.Equal(3, names.Distinct().Count());
    }

    [Fact]
    public async Task Ping_Vip_ThreeRequests_ThreeReplies()
    {
        await AddUdpEchoServiceAsync();

        var result = await Lab.RunIn("client", TimeSpan.FromSeconds(15), "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", Vip);

        Output.WriteLine(result.StdOut);
        Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        Assert.Contains("3 received", result.StdOut, StringComparison.Ordinal);
        Assert.Contains($"from {Vip}", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UdpToClosedPortOnRealServer_PortUnreachableTranslated_ClientSeesConnectionRefused()
    {
        var vip = $"{Vip}:{UnusedUdpPort.ToString(CultureInfo.InvariantCulture)}";
        await Admin("-A", "-u", vip, "-s", "rr");
        await Admin("-a", "-u", vip, "-r", $"{RealServer("rs1")}:{UnusedUdpPort.ToString(CultureInfo.InvariantCulture)}", "-m");

        var result = await Lab.Python("client", "udp_fragment_probe.py", TimeSpan.FromSeconds(15),
            "refused", Vip, UnusedUdpPort.ToString(CultureInfo.InvariantCulture));

        // ECONNREFUSED on a connected socket means the client's kernel matched the quote to VIP:9009 from its own port.
        Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        Assert.Equal("refused", result.StdOut.Trim());
    }
}
