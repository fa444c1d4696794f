using LvsDirector.Configuration;

namespace LvsDirector.Daemon;

/// <summary>
/// Combines the config file and the command line. Flags win over the file for scalar settings (socket path,
/// log level); --interface adds to the file's interfaces, so a unit drop-in can add a capture interface
/// without copying the file. The file must still be valid on its own, so --check-config means the same.
/// </summary>
internal static class DaemonConfigurationResolver
{
    public static ResolvedConfiguration Resolve(CommandLineOptions options, Func<string, bool> fileExists)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(fileExists);

        var path = options.ConfigPath ?? (fileExists(ConfigurationLoader.DefaultPath) ? ConfigurationLoader.DefaultPath : null);
        DirectorConfiguration configuration;
        if (path is null)
        {
            if (options.Interfaces.Count == 0)
            {
                return new ResolvedConfiguration(null, null, [],
                    $"no configuration file ({ConfigurationLoader.DefaultPath} does not exist and no --config given) and no --interface; give one of them");
            }

            configuration = new DirectorConfiguration { Interfaces = [] };
        }
        else
        {
            var loaded = ConfigurationLoader.Load(path);
            if (!loaded.Succeeded)
            {
                return new ResolvedConfiguration(null, path, loaded.Errors, null);
            }

            configuration = loaded.Configuration;
        }

        var interfaces = configuration.Interfaces.ToList();
        foreach (var name in options.Interfaces)
        {
            if (!interfaces.Exists(i => i.Name == name))
            {
                interfaces.Add(new InterfaceConfiguration(name, Comment: "from --interface"));
            }
        }

        configuration = configuration with { Interfaces = interfaces };
        if (options.SocketPath is not null)
        {
            configuration = configuration with { Socket = configuration.Socket with { Path = options.SocketPath } };
        }

        if (options.LogLevel is { } level)
        {
            configuration = configuration with { Logging = configuration.Logging with { Level = level } };
        }

        if (options.Workers is { } workers)
        {
            configuration = configuration with { DataPath = configuration.DataPath with { Workers = workers == 0 ? null : workers } };
        }

        return new ResolvedConfiguration(configuration, path, [], null);
    }
}
