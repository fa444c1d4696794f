namespace LvsDirector.Control;

/// <summary>Tunables of <see cref="ControlServer"/>; the defaults suit lvsd.</summary>
public sealed class ControlServerOptions
{
    /// <summary>Largest request frame accepted; larger ones get <see cref="ControlError.RequestTooLarge"/>.</summary>
    public int MaxRequestBytes { get; init; } = ControlDefaults.MaxRequestBytes;

    /// <summary>How long a client may take to send its request.</summary>
    public TimeSpan ReceiveTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the handler plus writing the answer may take.</summary>
    public TimeSpan HandlerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connections served at once; further ones wait in the listen backlog.</summary>
    public int MaxConcurrentConnections { get; init; } = 32;

    /// <summary>Listen backlog of the socket.</summary>
    public int Backlog { get; init; } = 64;

    /// <summary>Permissions of the socket file: owner and group may connect (0660).</summary>
    public UnixFileMode SocketFileMode { get; init; } =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite;
}
