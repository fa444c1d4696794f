using LvsDirector.Configuration;

namespace LvsDirector.Daemon;

/// <summary>
/// Hand-written parser for lvsd's handful of flags: GNU style "--flag VALUE" or "--flag=VALUE", no positionals.
/// Small enough that a parsing library would add more surface than it saves.
/// </summary>
internal static class CommandLineParser
{
    public const string HelpText =
        """
        Usage: lvsd [OPTIONS]
        User-space IPVS (LVS) director daemon.

          --config FILE          read the configuration from FILE
                                 (default: /etc/lvsd/lvsd.yaml, only if it exists)
          --interface NAME       capture on NAME; repeatable. Required when there is no
                                 configuration file; with one, adds to its 'interfaces'
          --socket PATH          control socket for lvsadm (default: /run/lvsd/lvsd.sock);
                                 overrides socket.path from the file
          --log-level LEVEL      trace, debug, information, warning, error, critical or none;
                                 overrides logging.level from the file
          --workers N            packet workers, 1 to 256, or auto (one per CPU, the default);
                                 overrides data_path.workers from the file
          --check-config FILE    validate FILE, print every error, change nothing;
                                 exit 0 when valid, 1 when not
          --version              print the version and exit
          -h, --help             print this help and exit

        Exit status: 0 clean shutdown, 1 configuration or start-up error, 2 bad usage.
        """;

    public static CommandLineOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new CommandLineOptions();
        var interfaces = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string name;
            string? inlineValue = null;
            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && equals > 2)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
            }

            if (name != "--interface" && IsOption(name) && !seen.Add(name == "-h" ? "--help" : name))
            {
                throw new UsageException($"option '{name}' given more than once");
            }

            switch (name)
            {
                case "-h" or "--help":
                    NoValue(name, inlineValue);
                    options = options with { ShowHelp = true };
                    break;
                case "--version":
                    NoValue(name, inlineValue);
                    options = options with { ShowVersion = true };
                    break;
                case "--config":
                    options = options with { ConfigPath = Value(args, ref i, name, inlineValue) };
                    break;
                case "--check-config":
                    options = options with { CheckConfigPath = Value(args, ref i, name, inlineValue) };
                    break;
                case "--interface":
                    var interfaceName = Value(args, ref i, name, inlineValue);
                    if (ConfigurationValues.ValidateInterfaceName(interfaceName) is { } problem)
                    {
                        throw new UsageException($"--interface: {problem}");
                    }

                    if (!interfaces.Contains(interfaceName))
                    {
                        interfaces.Add(interfaceName);
                    }

                    break;
                case "--socket":
                    var socket = Value(args, ref i, name, inlineValue);
                    if (ConfigurationValues.ValidateSocketPath(socket) is { } socketProblem)
                    {
                        throw new UsageException($"--socket: {socketProblem}");
                    }

                    options = options with { SocketPath = socket };
                    break;
                case "--log-level":
                    var levelText = Value(args, ref i, name, inlineValue);
                    if (!ConfigurationValues.TryParseLogLevel(levelText, out var level))
                    {
                        throw new UsageException($"--log-level: unknown level '{levelText}'; use one of {string.Join(", ", ConfigurationValues.LogLevelNames)}");
                    }

                    options = options with { LogLevel = level };
                    break;
                case "--workers":
                    var workersText = Value(args, ref i, name, inlineValue);
                    if (workersText == "auto")
                    {
                        options = options with { Workers = 0 };
                    }
                    else if (int.TryParse(workersText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var workers)
                        && workers is >= 1 and <= LvsDirector.Configuration.DataPathConfiguration.MaxWorkers)
                    {
                        options = options with { Workers = workers };
                    }
                    else
                    {
                        throw new UsageException($"--workers: '{workersText}' is not 'auto' or a number from 1 to {LvsDirector.Configuration.DataPathConfiguration.MaxWorkers}");
                    }

                    break;
                default:
                    throw new UsageException(IsOption(name) ? $"unknown option '{name}'" : $"unexpected argument '{arg}'");
            }
        }

        options = options with { Interfaces = interfaces };
        if (options.CheckConfigPath is not null && (seen.Count > 1 || interfaces.Count > 0))
        {
            throw new UsageException("--check-config cannot be combined with other options");
        }

        return options;
    }

    private static bool IsOption(string arg) => arg.Length > 1 && arg[0] == '-';

    private static void NoValue(string name, string? inlineValue)
    {
        if (inlineValue is not null)
        {
            throw new UsageException($"option '{name}' takes no value");
        }
    }

    private static string Value(IReadOnlyList<string> args, ref int i, string name, string? inlineValue)
    {
        if (inlineValue is not null)
        {
            return inlineValue.Length > 0 ? inlineValue : throw new UsageException($"option '{name}' needs a non-empty value");
        }

        if (i + 1 >= args.Count || (IsOption(args[i + 1]) && args[i + 1] != "-"))
        {
            throw new UsageException($"option '{name}' needs a value");
        }

        i++;
        return args[i].Length > 0 ? args[i] : throw new UsageException($"option '{name}' needs a non-empty value");
    }
}
