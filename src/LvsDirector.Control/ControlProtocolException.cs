namespace LvsDirector.Control;

/// <summary>A frame or message that breaks the control protocol; <see cref="Error"/> says how.</summary>
public sealed class ControlProtocolException : Exception
{
    public ControlProtocolException()
        : this(ControlError.BadRequest, "Malformed control message.")
    {
    }

    public ControlProtocolException(string message)
        : this(ControlError.BadRequest, message)
    {
    }

    public ControlProtocolException(string message, Exception innerException)
        : this(ControlError.BadRequest, message, innerException)
    {
    }

    public ControlProtocolException(ControlError error, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Error = error;
    }

    /// <summary>The error code to answer with.</summary>
    public ControlError Error { get; }
}
