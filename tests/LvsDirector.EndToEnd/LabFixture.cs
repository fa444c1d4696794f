using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace LvsDirector.EndToEnd;

/// <summary>
/// One namespace lab (scripts/lab.sh) with lvsd running in its director namespace, shared by every test of
/// a collection. Torn down in <see cref="DisposeAsync"/> and, as a last resort, at process exit.
/// </summary>
public abstract class LabFixture : IAsyncLifetime
{
    public const string Vip = "198.18.0.100";

    /// <summary>The client's primary IPv4 address, its source for new connections.</summary>
    public const string Client4 = "198.18.0.2";

    /// <summary>The IPv6 VIP (scripts/lab.sh puts it on no kernel interface of the director either).</summary>
    public const string Vip6 = "2001:db8::100";

    /// <summary>The client's IPv6 addresses on eth0 (2001:db8::2 and ::3) and the director's.</summary>
    public const string Client6 = "2001:db8::2";
    public const string DirectorEth0Ipv6 = "2001:db8::1";
    public const string DirectorEth1Ipv6 = "2001:db8:1::1";

    /// <summary>The client's second address (scripts/lab.sh adds it next to 198.18.0.2), for curl --interface.</summary>
    public const string SecondClient = "198.18.0.3";
    public const int UdpEchoPort = 9000;
    public const int TcpEchoPort = 9001;

    // Explicit client ports for UDP probes, below the kernel's ephemeral range (32768-60999) so they never meet a port it
    // picks for curl, and never repeated while this lab's lvsd lives: a repeated port would be an old connection.
    private const int FirstProbePort = 20000;
    private const int LastProbePort = 32767;

    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly object _teardownLock = new();
    private int _nextProbePort = FirstProbePort;
    private Process? _lvsd;
    private bool _labCreated;
    private bool _tornDown;

    protected LabFixture(bool oneArm)
        : this(oneArm ? "one-arm" : "two-arm")
    {
    }

    /// <summary>A lab of scripts/lab.sh's <paramref name="mode"/>: one-arm, two-arm, dr or tun.</summary>
    protected LabFixture(string mode)
    {
        Mode = mode;
        OneArm = mode is "one-arm" or "dr";
        Prefix = "lvse2e-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        LabDirectory = "/tmp/" + Prefix;
        SocketPath = Path.Combine(LabDirectory, "lvsd.sock");
        var subnet = mode switch
        {
            "two-arm" => "198.19.0",
            "tun" => "198.20.0",
            _ => "198.18.0",
        };
        RealServers = [$"{subnet}.11", $"{subnet}.12", $"{subnet}.13"];
        var subnet6 = mode switch
        {
            "two-arm" => "2001:db8:1::",
            "tun" => "2001:db8:2::",
            _ => "2001:db8::",
        };
        RealServers6 = [$"{subnet6}11", $"{subnet6}12", $"{subnet6}13"];
        LvsdLogPath = Path.Combine(RepositoryPaths.LogDirectory, $"lvsd-{Prefix}.log");
    }

    /// <summary>True when lvsd captures on eth0 only (one-arm and direct-routing labs).</summary>
    public bool OneArm { get; }

    public string Mode { get; }

    public static string LvsagentPath => Path.Combine(RepositoryPaths.BinDirectory, "lvsagent");

    public string Prefix { get; }

    public string LabDirectory { get; }

    public string SocketPath { get; }

    /// <summary>rs1, rs2, rs3 in that order; each answers HTTP GET / with its own name.</summary>
    public IReadOnlyList<string> RealServers { get; }

    /// <summary>The IPv6 addresses of rs1, rs2, rs3 (same servers, same answers).</summary>
    public IReadOnlyList<string> RealServers6 { get; }

    public string LvsdLogPath { get; }

    public static string LvsadmPath => Path.Combine(RepositoryPaths.BinDirectory, "lvsadm");

    public static string LvsdPath => Path.Combine(RepositoryPaths.BinDirectory, "lvsd");

    /// <summary>
    /// "--workers N" when LVSE2E_WORKERS is set (scripts/test.sh runs the suite once with lvsd's default of one worker
    /// per CPU and once with LVSE2E_WORKERS=1), for every lvsd a test starts.
    /// </summary>
    public static IReadOnlyList<string> WorkerArguments =>
        Environment.GetEnvironmentVariable("LVSE2E_WORKERS") is { Length: > 0 } workers ? ["--workers", workers] : [];

    public static string ServerName(int index) => "rs" + (index + 1).ToString(CultureInfo.InvariantCulture);

    public async Task InitializeAsync()
    {
        if (!IsRoot())
        {
            throw new InvalidOperationException("end-to-end tests need root (network namespaces); run them as root, e.g. via scripts/test.sh in CI");
        }

        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        await EnsureBinariesAsync();
        RecordLab();

        var up = new List<string> { RepositoryPaths.LabScript, "up", Prefix };
        if (Mode != "two-arm")
        {
            up.Add("--" + Mode);
        }

        _labCreated = true;
        (await Shell.RunAsync("bash", up, TimeSpan.FromSeconds(60))).EnsureSuccess();
        StartLvsd();
        await WaitForReadinessAsync();
    }

    public Task DisposeAsync()
    {
        Teardown();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        return Task.CompletedTask;
    }

    /// <summary>Runs a command inside PREFIX-NODE (client, dir, rs1, rs2, rs3, sw).</summary>
    public Task<CommandResult> RunIn(string node, params string[] command) => RunIn(node, DefaultTimeout, command);

    public Task<CommandResult> RunIn(string node, TimeSpan timeout, params string[] command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var arguments = new List<string> { "netns", "exec", $"{Prefix}-{node}" };
        arguments.AddRange(command);
        return Shell.RunAsync("ip", arguments, timeout);
    }

    /// <summary>lvsadm on the director, talking to this lab's lvsd.</summary>
    public Task<CommandResult> Lvsadm(params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var command = new List<string> { LvsadmPath, "--socket", SocketPath };
        command.AddRange(arguments);
        return RunIn("dir", TimeSpan.FromSeconds(10), [.. command]);
    }

    /// <summary>curl from the client namespace; a new TCP connection per call.</summary>
    public Task<CommandResult> Curl(string url) =>
        RunIn("client", TimeSpan.FromSeconds(10), "curl", "-sS", "--connect-timeout", "3", "--max-time", "5", url);

    /// <summary>curl -6 from the client namespace; a new TCP connection per call.</summary>
    public Task<CommandResult> Curl6(string url) =>
        RunIn("client", TimeSpan.FromSeconds(10), "curl", "-6", "-sS", "--connect-timeout", "3", "--max-time", "5", url);

    /// <summary>curl from the client namespace with a chosen source address; a new TCP connection per call.</summary>
    public Task<CommandResult> CurlFrom(string sourceAddress, string url) =>
        RunIn("client", TimeSpan.FromSeconds(10), "curl", "-sS", "--interface", sourceAddress, "--connect-timeout", "3", "--max-time", "5", url);

    /// <summary>Python helper from Scripts/ run in a namespace.</summary>
    public Task<CommandResult> Python(string node, string script, TimeSpan timeout, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var command = new List<string> { RepositoryPaths.Python, RepositoryPaths.ScriptFile(script) };
        command.AddRange(arguments);
        return RunIn(node, timeout, [.. command]);
    }

    /// <summary>
    /// udp_probe.py from the client: COUNT datagrams to HOST:PORT, each from a new socket on a client port this lab has
    /// not used before, so each is a new UDP connection to the director.
    /// </summary>
    public Task<CommandResult> UdpProbe(string host, int port, string payload, int count, TimeSpan timeout)
    {
        var first = Interlocked.Add(ref _nextProbePort, count) - count;
        if (first + count - 1 > LastProbePort)
        {
            throw new InvalidOperationException($"this lab used up its {LastProbePort - FirstProbePort + 1} UDP probe ports");
        }

        return Python("client", "udp_probe.py", timeout, host, port.ToString(CultureInfo.InvariantCulture), payload,
            count.ToString(CultureInfo.InvariantCulture), first.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Empties the service table so every test starts from nothing.</summary>
    public async Task ResetAsync()
    {
        EnsureLvsdRunning();
        (await Lvsadm("-C")).EnsureSuccess();
    }

    public void EnsureLvsdRunning()
    {
        if (_lvsd is null || _lvsd.HasExited)
        {
            throw new InvalidOperationException($"lvsd is not running (exit code {(_lvsd is { HasExited: true } p ? p.ExitCode : -1)}); log:\n{LogTail()}");
        }
    }

    public string LogTail(int lines = 40)
    {
        try
        {
            var all = File.ReadAllLines(LvsdLogPath);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException e)
        {
            return $"(no lvsd log: {e.Message})";
        }
    }

    private static bool IsRoot()
    {
        try
        {
            // /proc/self/status "Uid:" real effective saved fs; effective 0 is what namespaces need.
            var uid = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return uid.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2] == "0";
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task EnsureBinariesAsync()
    {
        if ((File.Exists(LvsdPath) && File.Exists(LvsadmPath) && File.Exists(LvsagentPath)) || RepositoryPaths.BinDirectoryOverride is not null)
        {
            // An explicit binary directory is used as it is; a missing file then fails at start.
            return;
        }

        // scripts/test.sh publishes before the tests; this covers `dotnet test` run by hand.
        var publish = await Shell.RunAsync("bash", [RepositoryPaths.PublishScript], TimeSpan.FromMinutes(10));
        publish.EnsureSuccess();
        if (!File.Exists(LvsdPath) || !File.Exists(LvsadmPath))
        {
            throw new InvalidOperationException($"{LvsdPath} or {LvsadmPath} missing after publishing");
        }
    }

    private void RecordLab()
    {
        // scripts/test.sh tears these down even when the test host dies without running Dispose.
        if (Environment.GetEnvironmentVariable("LVSE2E_LAB_LIST") is { Length: > 0 } list)
        {
            File.AppendAllText(list, Prefix + "\n");
        }
    }

    private void StartLvsd()
    {
        Directory.CreateDirectory(RepositoryPaths.LogDirectory);
        var startInfo = new ProcessStartInfo("bash") { UseShellExecute = false };

        // exec keeps one process (bash -> ip netns exec -> lvsd), so its pid is lvsd's for SIGTERM; the
        // redirect keeps no pipe of ours open.
        foreach (var argument in new[] { "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "lvsd", LvsdLogPath,
                     "ip", "netns", "exec", $"{Prefix}-dir", LvsdPath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.ArgumentList.Add("--interface");
        startInfo.ArgumentList.Add("eth0");
        if (!OneArm)
        {
            startInfo.ArgumentList.Add("--interface");
            startInfo.ArgumentList.Add("eth1");
        }

        startInfo.ArgumentList.Add("--socket");
        startInfo.ArgumentList.Add(SocketPath);
        startInfo.ArgumentList.Add("--log-level");
        startInfo.ArgumentList.Add("Debug");
        foreach (var argument in WorkerArguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        File.AppendAllText(LvsdLogPath, $"=== lab {Prefix} ({Mode}) {DateTime.UtcNow:O}\n");
        _lvsd = Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start lvsd");
    }

    private async Task WaitForReadinessAsync()
    {
        var clock = Stopwatch.StartNew();
        CommandResult? last = null;
        while (clock.Elapsed < ReadinessTimeout)
        {
            if (_lvsd!.HasExited)
            {
                throw new InvalidOperationException(
                    $"lvsd exited with code {_lvsd.ExitCode} before it was ready ({LvsdPath}); log:\n{LogTail()}");
            }

            last = await Lvsadm("-L", "-n");
            if (last.Succeeded && last.StdOut.StartsWith("IP Virtual Server version", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException(
            $"lvsd not ready after {ReadinessTimeout.TotalSeconds:0} s (`lvsadm -L -n` never printed the table).\n" +
            $"last attempt: {last?.Describe()}\nlvsd log:\n{LogTail()}");
    }

    private void OnProcessExit(object? sender, EventArgs e) => Teardown();

    private void Teardown()
    {
        lock (_teardownLock)
        {
            if (_tornDown)
            {
                return;
            }

            _tornDown = true;
        }

        StopLvsd();
        if (_labCreated)
        {
            var down = Shell.RunAsync("bash", [RepositoryPaths.LabScript, "down", Prefix], TimeSpan.FromSeconds(30))
                .GetAwaiter().GetResult();
            if (!down.Succeeded)
            {
                File.AppendAllText(LvsdLogPath, $"=== lab down failed: {down.Describe()}\n");
            }
        }
    }

    private void StopLvsd()
    {
        if (_lvsd is null)
        {
            return;
        }

        using var lvsd = _lvsd;
        _lvsd = null;
        if (lvsd.HasExited)
        {
            File.AppendAllText(LvsdLogPath, $"=== lvsd had already exited with code {lvsd.ExitCode}\n");
            return;
        }

        // SIGTERM first: a clean stop is part of the contract, and its exit code lands in the log.
        Shell.RunAsync("kill", ["-TERM", lvsd.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5))
            .GetAwaiter().GetResult();
        if (lvsd.WaitForExit(TimeSpan.FromSeconds(5)))
        {
            File.AppendAllText(LvsdLogPath, $"=== lvsd exited with code {lvsd.ExitCode} after SIGTERM\n");
        }
        else
        {
            Shell.KillTree(lvsd);
            File.AppendAllText(LvsdLogPath, "=== lvsd ignored SIGTERM for 5 s; killed\n");
        }
    }
}
