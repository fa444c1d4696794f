using System.Diagnostics;
using System.Globalization;

namespace LvsDirector.Tests.Control;

/// <summary>
/// A system group and users created for one test (useradd --system --no-create-home) and deleted on dispose,
/// so a real process with a real uid can knock on the control socket.
/// </summary>
internal sealed class ThrowawayAccounts : IDisposable
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _users = [];

    public ThrowawayAccounts()
    {
        GroupName = "lvstg-" + _suffix;
        Run("groupadd", "--system", GroupName);
        GroupId = uint.Parse(Run("getent", "group", GroupName).Split(':')[2], CultureInfo.InvariantCulture);
    }

    public string GroupName { get; }

    public uint GroupId { get; }

    /// <summary>Creates a user (optionally in the group as a listed member); returns uid and primary gid.</summary>
    public (string Name, uint Uid, uint Gid) AddUser(string tag, bool member)
    {
        var name = $"lvstest-{tag}-{_suffix}";
        var args = new List<string> { "--system", "--no-create-home", "--shell", "/usr/sbin/nologin" };
        if (member)
        {
            args.AddRange(["-G", GroupName]);
        }

        args.Add(name);
        Run("useradd", [.. args]);
        _users.Add(name);
        var fields = Run("getent", "passwd", name).Split(':');
        return (name, uint.Parse(fields[2], CultureInfo.InvariantCulture), uint.Parse(fields[3], CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        foreach (var user in _users)
        {
            TryRun("userdel", user);
        }

        TryRun("groupdel", GroupName);
    }

    public static string Run(string command, params string[] args)
    {
        var (code, stdout, stderr) = Execute(command, args);
        if (code != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} failed ({code}): {stderr}");
        }

        return stdout;
    }

    public static (int Code, string Stdout, string Stderr) Execute(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException($"{command} did not finish");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private static void TryRun(string command, string arg)
    {
        try
        {
            Execute(command, arg);
        }
        catch (InvalidOperationException)
        {
            // Cleanup is best effort.
        }
    }
}
