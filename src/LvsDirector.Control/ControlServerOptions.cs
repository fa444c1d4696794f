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

    /// <summary>
    /// Group (name or gid) that owns the socket file and whose members may send requests (socket.group);
    /// null keeps the daemon's group and admits only root and the daemon's user.
    /// </summary>
    public string? SocketGroup { get; init; }

    /// <summary>
    /// Changes the socket file's group (chown(path, -1, gid)); required when <see cref="SocketGroup"/> is set.
    /// A hook because the P/Invoke lives in the LvsDirector assembly, which this one cannot reference.
    /// </summary>
    public Action<string, uint>? ChangeSocketGroup { get; init; }

    /// <summary>Checks SO_PEERCRED of every connection against <see cref="ControlAccessPolicy"/>.</summary>
    public bool CheckPeerCredentials { get; init; } = true;

    /// <summary>The daemon's uid, always admitted; null reads the effective uid of this process.</summary>
    public uint? DaemonUserId { get; init; }

    /// <summary>Where groups and users are looked up.</summary>
    public UnixAccounts Accounts { get; init; } = new();
}
