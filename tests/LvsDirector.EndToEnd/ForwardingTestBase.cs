using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Steps shared by the direct-routing and tunnelling tests (services whose real servers use -g or -i) and the IPv6
/// tests of every mode.
/// </summary>
public abstract class ForwardingTestBase : DirectorTestBase
{
    protected ForwardingTestBase(LabFixture lab, ITestOutputHelper output)
        : base(lab, output)
    {
    }

    /// <summary>"-t" or "-u" VIP:port, round robin, the three real servers with <paramref name="methodFlag"/> (-g or -i).</summary>
    protected async Task AddServiceAsync(string protocolFlag, int port, string methodFlag)
    {
        var vip = $"{Vip}:{port.ToString(CultureInfo.InvariantCulture)}";
        await Admin("-A", protocolFlag, vip, "-s", "rr");
        foreach (var rs in Lab.RealServers)
        {
            await Admin("-a", protocolFlag, vip, "-r", rs, methodFlag);
        }
    }

    /// <summary>
    /// The IPv6 twin of <see cref="AddServiceAsync"/>: "-t" or "-u" [VIP6]:port, round robin, the three real servers'
    /// IPv6 addresses on the same port with <paramref name="methodFlag"/> (-m, -g or -i).
    /// </summary>
    protected async Task AddService6Async(string protocolFlag, int port, string methodFlag)
    {
        var vip = Endpoint6(LabFixture.Vip6, port);
        await Admin("-A", protocolFlag, vip, "-s", "rr");
        foreach (var rs in Lab.RealServers6)
        {
            await Admin("-a", protocolFlag, vip, "-r", Endpoint6(rs, port), methodFlag);
        }
    }

    protected static string Endpoint6(string address, int port) => $"[{address}]:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>New TCP connections (curl -6) to http://[VIP6]/; the names of the servers that answered, in order.</summary>
    protected async Task<List<string>> GetNames6Async(int count)
    {
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var result = await Lab.Curl6($"http://[{LabFixture.Vip6}]/");
            if (!result.Succeeded)
            {
                Assert.Fail($"curl -6 through the VIP {LabFixture.Vip6} failed: {result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
            }

            var name = result.StdOut.Trim();
            Assert.True(ServerNames.Contains(name), $"unexpected answer '{result.StdOut}'");
            names.Add(name);
        }

        Output.WriteLine("answers over IPv6: " + string.Join(' ', names));
        return names;
    }

    /// <summary>
    /// NAT judged on the wire, for either family: TCP :80 and the UDP echo through the VIP, captured inbound at rs1 and
    /// at the client. rs1 must see the client's own address (only the destination was rewritten), the client must see
    /// only the VIP (only the source was rewritten on the way back), and tshark must find no bad checksum in either.
    /// </summary>
    protected async Task AssertNatOnTheWireAsync(bool ipv6)
    {
        var (ip, client, rs1, vip) = ipv6
            ? ("ip6", LabFixture.Client6, Lab.RealServers6[0], LabFixture.Vip6)
            : ("ip", LabFixture.Client4, Lab.RealServers[0], Vip);
        var family = ipv6 ? "6" : "4";
        if (ipv6)
        {
            await AddService6Async("-t", 80, "-m");
            await AddService6Async("-u", LabFixture.UdpEchoPort, "-m");
        }
        else
        {
            await AddServiceAsync("-t", 80, "-m");
            await AddServiceAsync("-u", LabFixture.UdpEchoPort, "-m");
        }

        var atClient = await PacketCapture.StartAsync(Lab, "client", "eth0", 8, $"nat{family}-client", inboundOnly: true);
        var atServer = await PacketCapture.StartAsync(Lab, "rs1", "eth0", 7, $"nat{family}-rs1", inboundOnly: true);

        var names = ipv6 ? await GetNames6Async(6) : await GetNamesAsync(6);
        Assert.Equal(2, names.Count(n => n == "rs1"));
        await (ipv6 ? AssertUdpEcho6RoundRobinAsync() : AssertUdpEchoRoundRobinAsync());
        await atServer.StopAsync();
        await atClient.StopAsync();

        Assert.True(await atServer.CountAsync($"{ip} and tcp and src host {client} and dst host {rs1} and dst port 80") >= 8,
            "rs1 received too few client segments addressed to it");
        Assert.True(await atServer.CountAsync($"{ip} and udp and src host {client} and dst host {rs1} and dst port {LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture)}") >= 2,
            "rs1 received too few client datagrams");
        Assert.Equal(0, await atClient.CountAsync($"{ip} and src host {rs1}"));
        Assert.True(await atClient.CountAsync($"{ip} and tcp and src host {vip} and src port 80") >= 6 * 3,
            "the client received too few segments from the VIP");

        var bad = (await atServer.FindBadPacketsAsync()).Concat(await atClient.FindBadPacketsAsync()).ToArray();
        Assert.True(bad.Length == 0, "bad frames:\n" + string.Join('\n', bad));
    }

    /// <summary>Six datagrams, each from a new socket, to the UDP echo through the VIP; every answer names its server.</summary>
    protected Task AssertUdpEchoRoundRobinAsync() => AssertUdpEchoRoundRobinAsync(Vip);

    /// <summary>
    /// As <see cref="AssertUdpEchoRoundRobinAsync()"/> through the IPv6 VIP; every answer must also come from the VIP
    /// (the lab's echo answers from the address it was sent to, so only a director that rewrote or routed wrongly fails).
    /// </summary>
    protected Task AssertUdpEcho6RoundRobinAsync() => AssertUdpEchoRoundRobinAsync(LabFixture.Vip6, requireVipSource: true);

    private async Task AssertUdpEchoRoundRobinAsync(string vip, bool requireVipSource = false)
    {
        var result = await Lab.UdpProbe(vip, LabFixture.UdpEchoPort, "dgram", 6, TimeSpan.FromSeconds(30));
        Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (requireVipSource)
        {
            var sources = lines.Select(line => line.Split(' ')[0]).Select(peer => peer[..peer.LastIndexOf(':')]).ToList();
            Assert.True(sources.All(s => s == vip), "answers not from the VIP: " + string.Join(' ', sources));
        }

        var names = lines
            .Select(line => line.Split(' ')[1].Split(':')[0])
            .ToList();
        Output.WriteLine("udp answers: " + string.Join(' ', names));
        Assert.Equal(6, names.Count);
        AssertRoundRobin(names);
    }
}
