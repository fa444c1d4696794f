namespace LvsDirector.Configuration;

/// <summary>One problem found in a configuration file.</summary>
/// <param name="File">The file name as given to the loader.</param>
/// <param name="Line">1-based line, or 0 when the problem concerns the whole file (e.g. it cannot be read).</param>
/// <param name="Column">1-based column, or 0 with <paramref name="Line"/> 0.</param>
/// <param name="Key">Key path such as "services[0].real_servers[1].weight"; empty for file-level problems.</param>
/// <param name="Message">What is wrong, in plain words.</param>
public sealed record ConfigurationError(string File, int Line, int Column, string Key, string Message)
{
    /// <summary>Formats as "file:line:column: key: message", the form compilers use so editors can jump to it.</summary>
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}:{Column}" : File;
        return Key.Length > 0 ? $"{location}: {Key}: {Message}" : $"{location}: {Message}";
    }
}
