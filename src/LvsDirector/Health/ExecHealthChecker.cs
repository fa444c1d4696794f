using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace LvsDirector.Health;

/// <summary>
/// Runs a program without a shell (keepalived MISC_CHECK, ldirectord checktype=external): %a becomes the server's
/// address and %p the check port; exit code 0 passes. A program still running at the timeout is killed with its
/// children.
/// </summary>
public sealed class ExecHealthChecker : IHealthChecker
{
    public string Describe(HealthCheckTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return $"exec {string.Join(' ', Arguments(target))}";
    }

    /// <summary>The command line with %a and %p substituted.</summary>
    public static IReadOnlyList<string> Arguments(HealthCheckTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var address = target.Address.ToString();
        var port = target.Port.ToString(CultureInfo.InvariantCulture);
        return [.. target.Settings.Command.Select(a => a.Replace("%a", address, StringComparison.Ordinal).Replace("%p", port, StringComparison.Ordinal))];
    }

    public async Task<HealthCheckResult> CheckAsync(HealthCheckTarget target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var arguments = Arguments(target);
        if (arguments.Count == 0)
        {
            return HealthCheckResult.Fail("exec: no command");
        }

        var start = new ProcessStartInfo(arguments[0])
        {
            UseShellExecute = false,

            // The program's output would otherwise land in lvsd's log stream; it is read and dropped.
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in arguments.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return HealthCheckResult.Fail($"{Describe(target)} failed to start: {ex.Message}");
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        await Task.WhenAll(output, errors).ConfigureAwait(false);
        if (process.ExitCode == 0)
        {
            return HealthCheckResult.Pass($"{Describe(target)} exited with 0");
        }

        var message = FirstLine(await errors.ConfigureAwait(false)) ?? FirstLine(await output.ConfigureAwait(false));
        return HealthCheckResult.Fail(message is null
            ? $"{Describe(target)} exited with {process.ExitCode}"
            : $"{Describe(target)} exited with {process.ExitCode}: {message}");
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited between the timeout and the kill.
        }
    }

    private static string? FirstLine(string text)
    {
        var line = text.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return line.IsEmpty ? null : (end >= 0 ? line[..end] : line).ToString();
    }
}
