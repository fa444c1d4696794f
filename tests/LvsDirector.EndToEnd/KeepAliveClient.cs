using System.Diagnostics;
using System.Globalization;

namespace LvsDirector.EndToEnd;

/// <summary>
/// One long-lived HTTP/1.1 connection from the client namespace (Scripts/keepalive_client.py): every
/// <see cref="RequestAsync"/> travels on the same TCP connection through the director.
/// </summary>
public sealed class KeepAliveClient : IDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromSeconds(10);
    private readonly Process _process;

    private KeepAliveClient(Process process, int localPort, string firstAnswer)
    {
        _process = process;
        LocalPort = localPort;
        FirstAnswer = firstAnswer;
    }

    public int LocalPort { get; }

    /// <summary>Body of the request sent when the connection opened.</summary>
    public string FirstAnswer { get; }

    public static async Task<KeepAliveClient> StartAsync(LabFixture lab, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var startInfo = new ProcessStartInfo("ip")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "netns", "exec", $"{lab.Prefix}-client", RepositoryPaths.Python,
                     RepositoryPaths.ScriptFile("keepalive_client.py"), host, port.ToString(CultureInfo.InvariantCulture),
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("cannot start keepalive_client.py");
        try
        {
            var local = await ReadLineAsync(process);
            var first = await ReadLineAsync(process);
            if (!local.StartsWith("local ", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"unexpected first line '{local}'");
            }

            return new KeepAliveClient(process, int.Parse(local[6..], CultureInfo.InvariantCulture), first);
        }
        catch
        {
            Shell.KillTree(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Sends GET / on the open connection and returns the body.</summary>
    public async Task<string> RequestAsync()
    {
        await _process.StandardInput.WriteLineAsync("again");
        await _process.StandardInput.FlushAsync();
        return await ReadLineAsync(_process);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.WriteLine("quit");
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        if (!_process.WaitForExit(TimeSpan.FromSeconds(3)))
        {
            Shell.KillTree(_process);
        }

        _process.Dispose();
    }

    private static async Task<string> ReadLineAsync(Process process)
    {
        using var cts = new CancellationTokenSource(LineTimeout);
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(cts.Token);
            if (line is null)
            {
                var error = await ReadErrorAsync(process);
                throw new InvalidOperationException($"keepalive_client.py ended: {error}");
            }

            return line;
        }
        catch (OperationCanceledException)
        {
            Shell.KillTree(process);
            throw new TimeoutException($"keepalive_client.py gave no answer within {LineTimeout.TotalSeconds:0} s: {await ReadErrorAsync(process)}");
        }
    }

    private static async Task<string> ReadErrorAsync(Process process)
    {
        if (!process.WaitForExit(TimeSpan.FromSeconds(2)))
        {
            Shell.KillTree(process);
        }

        var read = process.StandardError.ReadToEndAsync();
        return await Task.WhenAny(read, Task.Delay(1000)) == read ? read.Result : "(stderr unavailable)";
    }
}
