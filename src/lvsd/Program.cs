using LvsDirector.Configuration;

namespace LvsDirector.Daemon;

internal static class Program
{
    private const int ExitConfigurationError = 1;
    private const int ExitUsage = 2;

    public static async Task<int> Main(string[] args)
    {
        CommandLineOptions options;
        try
        {
            options = CommandLineParser.Parse(args);
        }
        catch (UsageException ex)
        {
            return Usage(ex.Message);
        }

        if (options.ShowHelp)
        {
            Console.Out.WriteLine(CommandLineParser.HelpText);
            return 0;
        }

        if (options.ShowVersion)
        {
            Console.Out.WriteLine($"lvsd {DaemonHost.Version}");
            return 0;
        }

        if (options.CheckConfigPath is { } checkPath)
        {
            return ConfigurationCheck.Run(checkPath, Console.Out, Console.Error);
        }

        var resolved = DaemonConfigurationResolver.Resolve(options, File.Exists);
        if (resolved.UsageError is { } usage)
        {
            return Usage(usage);
        }

        if (resolved.Configuration is not { } configuration)
        {
            PrintErrors(resolved.Errors);
            return ExitConfigurationError;
        }

        return await DaemonHost.RunAsync(configuration, resolved.ConfigPath, () => DaemonConfigurationResolver.Resolve(options, File.Exists)).ConfigureAwait(false);
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"lvsd: {message}");
        Console.Error.WriteLine("Try 'lvsd --help' for more information.");
        return ExitUsage;
    }

    private static void PrintErrors(IReadOnlyList<ConfigurationError> errors)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine(error.ToString());
        }
    }
}
