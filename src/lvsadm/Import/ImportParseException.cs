namespace LvsDirector.Admin.Import;

/// <summary>The source file cannot be read as the format it claims to be; nothing is produced.</summary>
internal sealed class ImportParseException : Exception
{
    public ImportParseException()
        : this("cannot parse the file")
    {
    }

    public ImportParseException(string message)
        : base(message)
    {
        File = string.Empty;
    }

    public ImportParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        File = string.Empty;
    }

    public ImportParseException(string file, int line, string message)
        : base(message)
    {
        File = file;
        Line = line;
    }

    public string File { get; }

    /// <summary>1-based; 0 when the problem has no line (an unreadable file).</summary>
    public int Line { get; }

    /// <summary>FILE:LINE: message, the way compilers and lvsd --check-config report.</summary>
    public string ErrorText => File.Length == 0 ? Message : Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}
