namespace LvsDirector.Control;

/// <summary>lvsd could not be reached on its control socket (missing, refused, not permitted, closed early).</summary>
public sealed class ControlConnectionException : IOException
{
    public ControlConnectionException()
        : this(ControlDefaults.SocketPath, "cannot connect")
    {
    }

    public ControlConnectionException(string message)
        : this(ControlDefaults.SocketPath, message)
    {
    }

    public ControlConnectionException(string message, Exception innerException)
        : this(ControlDefaults.SocketPath, message, innerException)
    {
    }

    public ControlConnectionException(string socketPath, string reason, Exception? innerException = null)
        : base($"cannot talk to lvsd on control socket {socketPath}: {reason}", innerException)
    {
        SocketPath = socketPath;
        Reason = reason;
    }

    /// <summary>The socket path that was tried.</summary>
    public string SocketPath { get; }

    /// <summary>Why, in a few words (e.g. "no such file", "connection refused").</summary>
    public string Reason { get; }
}
