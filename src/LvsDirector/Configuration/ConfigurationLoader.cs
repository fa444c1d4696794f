namespace LvsDirector.Configuration;

/// <summary>Reads and validates an lvsd YAML configuration file, collecting every error rather than stopping at the first.</summary>
public static class ConfigurationLoader
{
    /// <summary>The path lvsd reads when no --config is given (only if the file exists).</summary>
    public const string DefaultPath = "/etc/lvsd/lvsd.yaml";

    public static ConfigurationLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return ConfigurationLoadResult.Failure([new ConfigurationError(path, 0, 0, string.Empty, $"cannot read the file: {ex.Message}")]);
        }

        return LoadFromText(text, path);
    }

    /// <summary>Parses <paramref name="text"/>; <paramref name="fileName"/> only names the source in errors.</summary>
    public static ConfigurationLoadResult LoadFromText(string text, string fileName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return new ConfigurationReader(fileName).Read(text);
    }
}
