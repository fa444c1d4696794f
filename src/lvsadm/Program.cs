using LvsDirector.Admin.Import;
using LvsDirector.Control;

namespace LvsDirector.Admin;

/// <summary>lvsadm: ipvsadm's command line for the user-space director lvsd.</summary>
internal static class Program
{
    /// <summary>The name used in messages, where ipvsadm prints argv[0].</summary>
    public const string Name = "lvsadm";

    public static int Main(string[] args) => Run(args, Console.In, Console.Out, Console.Error);

    /// <summary>The whole program with its output redirected and no input, for tests.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr) => Run(args, TextReader.Null, stdout, stderr);

    /// <summary>The whole program with its input (for -R) and output redirected.</summary>
    public static int Run(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr) =>
        RunAsync(args, stdin, stdout, stderr, new SystemNameService(), Environment.GetEnvironmentVariable, CancellationToken.None)
            .GetAwaiter().GetResult();

    internal static Task<int> RunAsync(
        string[] args,
        TextWriter stdout,
        TextWriter stderr,
        INameService names,
        Func<string, string?> environment,
        CancellationToken cancellationToken) =>
        RunAsync(args, TextReader.Null, stdout, stderr, names, environment, cancellationToken);

    internal static async Task<int> RunAsync(
        string[] args,
        TextReader stdin,
        TextWriter stdout,
        TextWriter stderr,
        INameService names,
        Func<string, string?> environment,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stderr);
        ArgumentNullException.ThrowIfNull(args);

        // Not an ipvsadm command: a translator that never talks to lvsd.
        if (args.Length > 0 && args[0] == "import")
        {
            return ImportCommand.Run(args[1..], stdout, stderr);
        }

        AdminCommand command;
        try
        {
            command = new CommandLineParser(names).Parse(args);
        }
        catch (CommandLineException ex)
        {
            await stderr.WriteAsync(ex.ErrorText(Name)).ConfigureAwait(false);
            return ex.ExitCode;
        }

        var executor = new CommandExecutor(stdin, stdout, stderr, names, ControlClient.SendAsync, environment);
        return await executor.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
    }
}
