using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;
using LvsDirector.Interop.Linux;

namespace LvsDirector.Tests.Io;

/// <summary>
/// A named network namespace (ip netns) created for one test and deleted on Dispose. Code that must create
/// sockets inside it runs through <see cref="Enter{T}"/> on a dedicated thread that joined the namespace first.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private bool disposed;

    private NetworkNamespace(string name) => Name = name;

    public static string? IpCommand { get; } =
        new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.FirstOrDefault(File.Exists);

    public string Name { get; }

    public static NetworkNamespace Create(string prefix = "lvsio")
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Guid.NewGuid():N}")[..(prefix.Length + 13)];
        Run(IpCommand!, "netns", "add", name);
        return new NetworkNamespace(name);
    }

    /// <summary>Runs `ip -n NAME args…`.</summary>
    public string Ip(params string[] args) => Run(IpCommand!, ["-n", Name, .. args]);

    /// <summary>Runs a program inside the namespace (`ip netns exec NAME program args…`).</summary>
    public string Exec(string program, params string[] args) => Run(IpCommand!, ["netns", "exec", Name, program, .. args]);

    /// <summary>Runs <paramref name="action"/> on a new thread that has joined this namespace.</summary>
    public T Enter<T>(Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle($"/var/run/netns/{Name}", FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
                {
                    if (Libc.SetNs(handle, LinuxConstants.CloneNewNet) != 0)
                    {
                        throw new IOException($"setns({Name}) failed ({Errno.Describe(Errno.Last)})");
                    }
                }

                result = action();
            }
            catch (Exception e)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        return result;
    }

    public void Dispose()
    {
        if (!disposed)
        {
            disposed = true;
            Run(IpCommand!, "netns", "del", Name);
        }
    }

    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in 30 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr}");
        }

        return stdout.Result;
    }
}
