namespace LvsDirector.Daemon;

/// <summary>Bad command line; Program prints the message with a pointer to --help and exits with 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
