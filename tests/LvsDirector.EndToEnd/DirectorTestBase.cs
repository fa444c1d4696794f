using System.Globalization;
using Xunit.Abstractions;

namespace LvsDirector.EndToEnd;

/// <summary>
/// Shared steps for tests against a lab: every test starts from an empty service table, and every
/// failure message carries the command that failed and the tail of the lvsd log.
/// </summary>
public abstract class DirectorTestBase : IAsyncLifetime
{
    protected const string Vip = LabFixture.Vip;
    protected static readonly string[] ServerNames = ["rs1", "rs2", "rs3"];

    protected DirectorTestBase(LabFixture lab, ITestOutputHelper output)
    {
        Lab = lab;
        Output = output;
    }

    protected LabFixture Lab { get; }

    protected ITestOutputHelper Output { get; }

    protected static string TcpVip => Vip + ":80";

    public Task InitializeAsync() => Lab.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    protected string RealServer(string name) => Lab.RealServers[Array.IndexOf(ServerNames, name)];

    protected string NameOf(string realServerAddress) =>
        ServerNames[Lab.RealServers.ToList().IndexOf(realServerAddress.Split(':')[0])];

    /// <summary>lvsadm that must succeed.</summary>
    protected async Task<CommandResult> Admin(params string[] arguments)
    {
        var result = await Lab.Lvsadm(arguments);
        Output.WriteLine($"$ lvsadm {string.Join(' ', arguments)} -> {result.ExitCode}");
        if (!result.Succeeded)
        {
            Assert.Fail($"{result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        }

        return result;
    }

    /// <summary>TCP VIP:80 with the three real servers in NAT mode; weights in rs1, rs2, rs3 order.</summary>
    protected async Task AddTcpServiceOnPortAsync(string scheduler, int port, params int[] weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var vip = $"{Vip}:{port.ToString(CultureInfo.InvariantCulture)}";
        await Admin("-A", "-t", vip, "-s", scheduler);
        for (var i = 0; i < weights.Length; i++)
        {
            await Admin("-a", "-t", vip, "-r", $"{Lab.RealServers[i]}:{port.ToString(CultureInfo.InvariantCulture)}", "-m",
                "-w", weights[i].ToString(CultureInfo.InvariantCulture));
        }
    }

    protected Task AddTcpServiceAsync(string scheduler, params int[] weights) => AddTcpServiceOnPortAsync(scheduler, 80, weights);

    protected async Task AddUdpEchoServiceAsync()
    {
        var vip = $"{Vip}:{LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture)}";
        await Admin("-A", "-u", vip, "-s", "rr");
        foreach (var rs in Lab.RealServers)
        {
            await Admin("-a", "-u", vip, "-r", $"{rs}:{LabFixture.UdpEchoPort.ToString(CultureInfo.InvariantCulture)}", "-m");
        }
    }

    protected async Task<IpvsTable> ListAsync()
    {
        var result = await Admin("-L", "-n");
        Output.WriteLine(result.StdOut);
        return IpvsTable.Parse(result.StdOut);
    }

    /// <summary>One new TCP connection through the VIP; returns the name of the server that answered.</summary>
    protected async Task<string> GetNameAsync()
    {
        var result = await Lab.Curl($"http://{Vip}/");
        if (!result.Succeeded)
        {
            Assert.Fail($"curl through the VIP failed: {result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        }

        var name = result.StdOut.Trim();
        Assert.True(ServerNames.Contains(name), $"unexpected answer '{result.StdOut}'");
        return name;
    }

    protected async Task<List<string>> GetNamesAsync(int count)
    {
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            names.Add(await GetNameAsync());
        }

        Output.WriteLine("answers: " + string.Join(' ', names));
        return names;
    }

    /// <summary>One new TCP connection from <paramref name="source"/> (a client address) to VIP:port; the answering server's name.</summary>
    protected async Task<string> GetNameFromAsync(string source, int port = 80)
    {
        var url = $"http://{Vip}:{port.ToString(CultureInfo.InvariantCulture)}/";
        var result = await Lab.CurlFrom(source, url);
        if (!result.Succeeded)
        {
            Assert.Fail($"curl from {source} to {url} failed: {result.Describe()}\nlvsd log:\n{Lab.LogTail()}");
        }

        var name = result.StdOut.Trim();
        Assert.True(ServerNames.Contains(name), $"unexpected answer '{result.StdOut}'");
        return name;
    }

    protected async Task<List<string>> GetNamesFromAsync(string source, int count, int port = 80)
    {
        var names = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            names.Add(await GetNameFromAsync(source, port));
        }

        Output.WriteLine($"answers from {source} to port {port}: " + string.Join(' ', names));
        return names;
    }

    protected static Dictionary<string, int> CountByServer(IEnumerable<string> names)
    {
        var counts = ServerNames.ToDictionary(n => n, _ => 0);
        foreach (var name in names)
        {
            counts[name]++;
        }

        return counts;
    }

    protected static string Show(Dictionary<string, int> counts) =>
        string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value.ToString(CultureInfo.InvariantCulture)}"));

    /// <summary>Round robin over three equal servers: a repeating cycle of the three, each equally often.</summary>
    protected static void AssertRoundRobin(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var sequence = string.Join(' ', names);
        Assert.True(names.Take(3).Distinct().Count() == 3, $"first three answers not three different servers: {sequence}");
        for (var i = 3; i < names.Count; i++)
        {
            Assert.True(names[i] == names[i % 3], $"answer {i} is {names[i]}, expected {names[i % 3]} (period 3): {sequence}");
        }

        var counts = CountByServer(names);
        Assert.True(counts.Values.All(c => c == names.Count / 3), $"uneven: {Show(counts)}");
    }
}
