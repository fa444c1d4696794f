using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>Steps shared by the direct-routing and tunnelling tests: services whose real servers use -g or -i.</summary>
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

    /// <summary>Six datagrams, each from a new socket, to the UDP echo through the VIP; every answer names its server.</summary>
    protected async Task AssertUdpEchoRoundRobinAsync()
    {
        var result = await Lab.Python("client", "udp_probe.py", TimeSpan.FromSeconds(30), Vip,
            LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture), "dgram", "6");
        Assert.True(result.Succeeded, $"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        var names = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ')[1].Split(':')[0])
            .ToList();
        Output.WriteLine("udp answers: " + string.Join(' ', names));
        Assert.Equal(6, names.Count);
        AssertRoundRobin(names);
    }
}
