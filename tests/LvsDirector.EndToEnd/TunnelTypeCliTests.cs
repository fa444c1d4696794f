using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// GUE set up with lvsadm alone (ipvsadm 1.31's -i --tun-type gue --tun-port N): lvsd wraps the client's packets in
/// IPv4 + UDP to port N + GUE, lvsagent on each real server (run --gue-port 6080 in the tunnel lab) unwraps them, and
/// the listing, -S and -R show and keep the tunnel type.
/// </summary>
[Collection(TunnelLab.Name)]
public sealed class TunnelTypeCliTests : ForwardingTestBase
{
    /// <summary>scripts/lab.sh's GUE_PORT, where the real servers' lvsagent listens.</summary>
    private const int GuePort = 6080;

    /// <summary>The director's eth1 address, the outer source of every tunnelled packet.</summary>
    private const string DirectorTunnelSource = "198.19.0.1";

    public TunnelTypeCliTests(TunnelLabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    [Fact]
    public async Task GueServersAddedWithLvsadmCarryCurlThroughTheVipAsUdpToTheTunnelPort()
    {
        var port = GuePort.ToString(CultureInfo.InvariantCulture);
        await Admin("-A", "-t", TcpVip, "-s", "rr");
        foreach (var rs in Lab.RealServers)
        {
            await Admin("-a", "-t", TcpVip, "-r", rs, "-i", "--tun-type", "gue", "--tun-port", port);
        }

        var capture = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 8, "gue-rs1", inboundOnly: true);
        AssertRoundRobin(await GetNamesAsync(9));
        await capture.StopAsync();

        // Outer UDP from the director to the tunnel port; the payload starts with a GUE version-0 header naming
        // protocol 4 (udp[8] and udp[9] are the first two bytes after the 8-byte UDP header). No IPIP at all.
        var gue = await capture.CountAsync($"src host {DirectorTunnelSource} and udp dst port {port} and udp[8] == 0 and udp[9] == 4");
        var anyUdp = await capture.CountAsync($"src host {DirectorTunnelSource} and udp dst port {port}");
        var ipip = await capture.CountAsync($"src host {DirectorTunnelSource} and ip proto 4");
        Output.WriteLine($"rs1 received {gue} GUE frames, {ipip} IPIP frames");
        Assert.True(gue >= 9, $"rs1 received too few GUE frames to udp/{port} from the director: {gue}\nlvsd log:\n{Lab.LogTail()}");
        Assert.Equal(anyUdp, gue);
        Assert.Equal(0, ipip);

        var listing = (await Admin("-L", "-n", "--tun-info")).StdOut;
        Output.WriteLine(listing);
        Assert.Contains("  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n", listing, StringComparison.Ordinal);
        foreach (var rs in Lab.RealServers)
        {
            Assert.Contains($"  -> {$"{rs}:80",-28} Tunnel  gue:6080:-c   1      ", listing, StringComparison.Ordinal);
        }

        // -S names the tunnel as ipvsadm 1.31 does, and -R of that gives the same table and the same forwarding.
        var saved = (await Admin("-S", "-n")).StdOut;
        foreach (var rs in Lab.RealServers)
        {
            Assert.Contains($"-a -t {TcpVip} -r {rs}:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum\n", saved, StringComparison.Ordinal);
        }

        var rules = Path.Combine(Lab.LabDirectory, "gue-rules.txt");
        await File.WriteAllTextAsync(rules, saved);
        await Admin("-C");
        var restore = await Lab.RunIn("dir", TimeSpan.FromSeconds(20), "sh", "-c", $"'{LabFixture.LvsadmPath}' --socket '{Lab.SocketPath}' -R < '{rules}'");
        Assert.True(restore.Succeeded, restore.Describe());
        Assert.Equal(saved, (await Admin("-S", "-n")).StdOut);
        AssertRoundRobin(await GetNamesAsync(3));
    }

    [Fact]
    public async Task GreAndTunnelChecksumsAreRefusedByLvsdWithAClearMessage()
    {
        await Admin("-A", "-t", TcpVip, "-s", "rr");

        var gre = await Lab.Lvsadm("-a", "-t", TcpVip, "-r", RealServer("rs1"), "-i", "--tun-type", "gre");
        var csum = await Lab.Lvsadm("-a", "-t", TcpVip, "-r", RealServer("rs1"), "-i", "--tun-type", "gue", "--tun-port", "6080", "--tun-csum");
        var noPort = await Lab.Lvsadm("-a", "-t", TcpVip, "-r", RealServer("rs1"), "-i", "--tun-type", "gue");

        Assert.Equal((255, "GRE tunnels (--tun-type gre) are not supported by lvsd: use --tun-type ipip or gue\n"), (gre.ExitCode, gre.StdErr));
        Assert.Equal((255, "--tun-csum is not supported: lvsd sends GUE without a UDP checksum (--tun-nocsum)\n"), (csum.ExitCode, csum.StdErr));
        Assert.Equal((2, "You need to supply the 'tun-port' option for the 'gue' tunnel type\n"), (noPort.ExitCode, noPort.StdErr));
        Assert.DoesNotContain(RealServer("rs1"), (await Admin("-L", "-n")).StdOut, StringComparison.Ordinal);
    }
}
