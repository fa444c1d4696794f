using System.ComponentModel;
using System.Diagnostics;

namespace LvsDirector.Io;

/// <summary>
/// Runs iproute2's tc. lvsd shells out rather than speaking rtnetlink itself: the filter changes only when the
/// service table does, tc is on every host that has ip, and its error messages (extack) are the ones operators know.
/// </summary>
internal sealed class TrafficControl
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly string[] Candidates = ["/usr/sbin/tc", "/sbin/tc", "/usr/bin/tc", "/bin/tc"];

    public TrafficControl(string? program = null) => Program = program ?? Find();

    public string Program { get; }

    public TrafficControlResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception e)
        {
            return new TrafficControlResult(false, -1, string.Empty, $"cannot run {Program}: {e.Message}");
        }

        if (process is null)
        {
            return new TrafficControlResult(false, -1, string.Empty, $"cannot run {Program}");
        }

        using (process)
        {
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return new TrafficControlResult(true, -1, output.Result, $"{Program} did not finish within {Timeout.TotalSeconds:0} s");
            }

            return new TrafficControlResult(true, process.ExitCode, output.Result, error.Result);
        }
    }

    // systemd's default PATH has the sbin directories, a login shell of a user may not.
    private static string Find() => Candidates.FirstOrDefault(File.Exists) ?? "tc";
}
