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

    /// <summary>Six datagrams, each from a new socket, to the UDP echo through the VIP; every answer names its server.</summary>
    protected Task AssertUdpEchoRoundRobinAsync() => AssertUdpEchoRoundRobinAsync(Vip);

    /// <summary>
    /// As <see cref="AssertUdpEchoRoundRobinAsync()"/> through the IPv6 VIP; every answer must also come from the VIP
    /// (the lab's echo answers from the address it was sent to, so only a director that rewrote or routed wrongly fails).
    /// </summary>
    protected Task AssertUdpEcho6RoundRobinAsync() => AssertUdpEchoRoundRobinAsync(LabFixture.Vip6, requireVipSource: true);

    private async Task AssertUdpEchoRoundRobinAsync(string vip, bool requireVipSource = false)
    {
        var result = await Lab.Python("client", "udp_probe.py", TimeSpan.FromSeconds(30), vip,
            LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture), "dgram", "6");
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
