namespace LvsDirector.Configuration;

/// <summary>The control socket lvsadm talks to.</summary>
public sealed record SocketConfiguration
{
    public const string DefaultPath = "/run/lvsd/lvsd.sock";

    public string Path { get; init; } = DefaultPath;

    /// <summary>Group that may use the socket; reserved, not applied yet.</summary>
    public string? Group { get; init; }
}
