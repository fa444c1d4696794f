using System.Diagnostics;
using System.Globalization;

namespace LvsDirector.EndToEnd;

/// <summary>
/// An extra lvsd in a lab's director namespace (next to the fixture's own), for tests that need lvsd started
/// differently, e.g. from a config file. Started with SIGHUP ignored, as nohup or a background shell leaves it, so
/// lvsd must take SIGHUP back to reload. Always stopped on dispose: SIGTERM, then a kill after 5 s.
/// </summary>
public sealed class LvsdProcess : IDisposable
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;

    private LvsdProcess(Process process, string socketPath, string logPath)
    {
        _process = process;
        SocketPath = socketPath;
        LogPath = logPath;
    }

    public string SocketPath { get; }

    public string LogPath { get; }

    /// <summary>Starts lvsd with <paramref name="arguments"/> (which must include --socket <paramref name="socketPath"/>) and waits until lvsadm gets a table.</summary>
    public static async Task<LvsdProcess> StartAsync(LabFixture lab, string socketPath, string logPath, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(lab);
        ArgumentNullException.ThrowIfNull(arguments);
        var startInfo = new ProcessStartInfo("bash") { UseShellExecute = false };
        foreach (var argument in new[] { "-c", "trap '' HUP; log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "lvsd", logPath,
                     "ip", "netns", "exec", $"{lab.Prefix}-dir", LabFixture.LvsdPath })
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var argument in arguments.Concat(LabFixture.WorkerArguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        File.AppendAllText(logPath, $"=== extra lvsd {string.Join(' ', arguments)} {DateTime.UtcNow:O}\n");
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start lvsd");
        var lvsd = new LvsdProcess(process, socketPath, logPath);
        try
        {
            await lvsd.WaitForReadinessAsync(lab);
            return lvsd;
        }
        catch
        {
            lvsd.Dispose();
            throw;
        }
    }

    public string LogTail(int lines = 40)
    {
        try
        {
            var all = File.ReadAllLines(LogPath);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Shell.RunAsync("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5))
                .GetAwaiter().GetResult();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                Shell.KillTree(_process);
            }
        }

        _process.Dispose();
    }

    private async Task WaitForReadinessAsync(LabFixture lab)
    {
        var clock = Stopwatch.StartNew();
        CommandResult? last = null;
        while (clock.Elapsed < ReadinessTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"extra lvsd exited with code {_process.ExitCode} before it was ready; log:\n{LogTail()}");
            }

            last = await lab.RunIn("dir", TimeSpan.FromSeconds(10), LabFixture.LvsadmPath, "--socket", SocketPath, "-L", "-n");
            if (last.Succeeded && last.StdOut.StartsWith("IP Virtual Server version", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"extra lvsd not ready after {ReadinessTimeout.TotalSeconds:0} s; last: {last?.Describe()}\nlog:\n{LogTail()}");
    }
}
