using System.Diagnostics;
using System.Globalization;

namespace LvsDirector.Agent;

/// <summary>The few host changes a DR/TUN real server needs: sysctls (written under /proc/sys) and iproute2 calls.</summary>
internal static class SystemSettings
{
    public static void SetSysctl(string key, string value)
    {
        var path = "/proc/sys/" + key.Replace('.', '/');
        File.WriteAllText(path, value + "\n");
    }

    public static string? ReadSysctl(string key)
    {
        var path = "/proc/sys/" + key.Replace('.', '/');
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    /// <summary>Runs ip(8); returns its exit code, failing loudly only when <paramref name="mustSucceed"/>.</summary>
    public static int Ip(bool mustSucceed, params string[] arguments)
    {
        var start = new ProcessStartInfo("ip") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot run ip");
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (mustSucceed && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed ({process.ExitCode.ToString(CultureInfo.InvariantCulture)}): {error.Trim()}");
        }

        return process.ExitCode;
    }
}
