using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>lvsadm: ipvsadm's command line for the user-space director lvsd.</summary>
internal static class Program
{
    /// <summary>The name used in messages, where ipvsadm prints argv[0].</summary>
    public const string Name = "lvsadm";

    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>The whole program with its output redirected, for tests.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdout, stderr, new SystemNameService(), Environment.GetEnvironmentVariable, CancellationToken.None)
            .GetAwaiter().GetResult();

    internal static async Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        INameService names,
        Func<string, string?> environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        AdminCommand command;
        try
        {
            command = new CommandLineParser(names).Parse(args);
        }
        catch (CommandLineException ex)
        {
            await stderr.WriteAsync(ex.ShowTryHelp
                ? $"Try `{Name} -h' or '{Name} --help' for more information.\n"
                : ex.Message + "\n").ConfigureAwait(false);
            return ex.ExitCode;
        }

        var executor = new CommandExecutor(stdout, stderr, names, ControlClient.SendAsync, environment);
        return await executor.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
    }
}
