using LvsDirector.Configuration;

namespace LvsDirector.Daemon;

/// <summary>lvsd --check-config: validate a file, report, change nothing.</summary>
internal static class ConfigurationCheck
{
    public static int Run(string path, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var result = ConfigurationLoader.Load(path);
        if (!result.Succeeded)
        {
            foreach (var problem in result.Errors)
            {
                error.WriteLine(problem.ToString());
            }

            error.WriteLine($"{path}: {result.Errors.Count} error(s)");
            return 1;
        }

        var configuration = result.Configuration;
        var realServers = configuration.Services.Sum(s => s.RealServers.Count);
        output.WriteLine(
            $"{path}: configuration OK ({configuration.Interfaces.Count} interface(s), {configuration.Services.Count} service(s), {realServers} real server(s))");
        return 0;
    }
}
