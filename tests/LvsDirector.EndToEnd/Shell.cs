using System.Diagnostics;
using System.Text;

namespace LvsDirector.EndToEnd;

/// <summary>Runs external commands with a hard time limit; an end-to-end test must never hang.</summary>
public static class Shell
{
    // How long to wait for output pipes after the process ended: a stray grandchild may keep them open.
    private static readonly TimeSpan PipeGrace = TimeSpan.FromSeconds(2);

    public static async Task<CommandResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        string? standardInput = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var commandLine = fileName + " " + string.Join(' ', arguments.Select(Quote));
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return new CommandResult(commandLine, -1, "", $"cannot start: {e.Message}", false);
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The command exited without reading its input; its exit code tells the story.
        }

        var timedOut = false;
        using (var cts = new CancellationTokenSource(timeout))
        {
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                timedOut = true;
                KillTree(process);
                using var killWait = new CancellationTokenSource(PipeGrace);
                try
                {
                    await process.WaitForExitAsync(killWait.Token);
                }
                catch (OperationCanceledException)
                {
                    // Unkillable (uninterruptible sleep); report what we have.
                }
            }
        }

        var outputs = Task.WhenAll(stdout, stderr);
        await Task.WhenAny(outputs, Task.Delay(PipeGrace));
        var outText = stdout.IsCompletedSuccessfully ? stdout.Result : "(output pipe still open)";
        var errText = stderr.IsCompletedSuccessfully ? stderr.Result : "(error pipe still open)";
        var exitCode = process.HasExited ? process.ExitCode : -1;
        return new CommandResult(commandLine, exitCode, outText, errText, timedOut);
    }

    public static void KillTree(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c, StringComparison.Ordinal))
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
