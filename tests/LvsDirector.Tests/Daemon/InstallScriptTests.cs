using System.Diagnostics;

namespace LvsDirector.Tests.Daemon;

/// <summary>scripts/install.sh run with --prefix into a temporary root and prebuilt stand-in binaries.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InstallScriptTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("lvsd-install-").FullName;
    private readonly string _root;
    private readonly string _published;

    public InstallScriptTests()
    {
        _root = Path.Combine(_temp, "root");
        _published = Path.Combine(_temp, "published");
        Directory.CreateDirectory(_published);
        foreach (var tool in new[] { "lvsd", "lvsadm" })
        {
            var path = Path.Combine(_published, tool);
            File.WriteAllText(path, "#!/bin/sh\necho " + tool + "\n");
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }

        File.WriteAllText(Path.Combine(_published, "lvsd.dll"), "stand-in");
    }

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static string Script
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "scripts", "install.sh");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("scripts/install.sh not found above the test output");
        }
    }

    [Fact]
    public void Installs_binaries_symlinks_unit_and_configuration()
    {
        var (code, output) = Install("--group", "lvsops");

        Assert.True(code == 0, output);
        Assert.True(File.Exists(Path.Combine(_root, "opt/lvsdirector/bin/lvsd")));
        Assert.True(File.Exists(Path.Combine(_root, "opt/lvsdirector/bin/lvsd.dll")));
        Assert.Equal("/opt/lvsdirector/bin/lvsd", new FileInfo(Path.Combine(_root, "usr/local/sbin/lvsd")).LinkTarget);
        Assert.Equal("/opt/lvsdirector/bin/lvsadm", new FileInfo(Path.Combine(_root, "usr/local/sbin/lvsadm")).LinkTarget);
        var unit = File.ReadAllText(Path.Combine(_root, "etc/systemd/system/lvsd.service"));
        Assert.Contains("Type=notify", unit, StringComparison.Ordinal);
        Assert.Contains("SupplementaryGroups=lvsops\n", unit, StringComparison.Ordinal);
        Assert.Equal(
            File.ReadAllText(Path.Combine(Path.GetDirectoryName(Script)!, "../samples/lvsd.yaml")),
            File.ReadAllText(Path.Combine(_root, "etc/lvsd/lvsd.yaml")));
    }

    [Fact]
    public void Running_again_keeps_the_edited_configuration_and_replaces_binaries()
    {
        Assert.Equal(0, Install().Code);
        var config = Path.Combine(_root, "etc/lvsd/lvsd.yaml");
        File.WriteAllText(config, "# edited by the operator\n");
        File.WriteAllText(Path.Combine(_root, "opt/lvsdirector/bin/leftover.dll"), "old");

        var (code, output) = Install();

        Assert.True(code == 0, output);
        Assert.Equal("# edited by the operator\n", File.ReadAllText(config));
        Assert.False(File.Exists(Path.Combine(_root, "opt/lvsdirector/bin/leftover.dll")));
        Assert.True(File.Exists(Path.Combine(_root, "opt/lvsdirector/bin/lvsadm")));
    }

    [Fact]
    public void Dry_run_changes_nothing()
    {
        var (code, output) = Install("--dry-run");

        Assert.True(code == 0, output);
        Assert.Contains("+ ln -sfn /opt/lvsdirector/bin/lvsd", output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_root));
    }

    [Fact]
    public void Uninstall_removes_everything_but_the_configuration()
    {
        Assert.Equal(0, Install().Code);

        var (code, output) = Run("--prefix", _root, "--uninstall");

        Assert.True(code == 0, output);
        Assert.False(Directory.Exists(Path.Combine(_root, "opt/lvsdirector")));
        Assert.False(File.Exists(Path.Combine(_root, "usr/local/sbin/lvsd")));
        Assert.False(File.Exists(Path.Combine(_root, "etc/systemd/system/lvsd.service")));
        Assert.True(File.Exists(Path.Combine(_root, "etc/lvsd/lvsd.yaml")));
    }

    [Fact]
    public void Rejects_unknown_options()
    {
        var (code, output) = Run("--prefix", _root, "--frobnicate");

        Assert.Equal(2, code);
        Assert.Contains("unknown option --frobnicate", output, StringComparison.Ordinal);
    }

    private (int Code, string Output) Install(params string[] extra) =>
        Run(["--prefix", _root, "--from", _published, .. extra]);

    private static (int Code, string Output) Run(params string[] args)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(60)), "install.sh hung");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
