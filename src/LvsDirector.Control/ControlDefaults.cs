namespace LvsDirector.Control;

/// <summary>Where lvsd listens and lvsadm connects; the single place these defaults are spelled.</summary>
public static class ControlDefaults
{
    /// <summary>The control socket of lvsd unless configured otherwise.</summary>
    public const string SocketPath = "/run/lvsd/lvsd.sock";

    /// <summary>Environment variable that overrides <see cref="SocketPath"/> for lvsadm.</summary>
    public const string SocketEnvironmentVariable = "LVSADM_SOCKET";

    /// <summary>Largest request frame the server accepts (1 MiB).</summary>
    public const int MaxRequestBytes = 1024 * 1024;

    /// <summary>
    /// Largest response frame the client accepts. Listings of big tables can outgrow the request limit,
    /// so responses get more room.
    /// </summary>
    public const int MaxResponseBytes = 64 * 1024 * 1024;

    /// <summary>Picks the socket path: an explicit one (--socket) wins, then the environment, then the default.</summary>
    public static string ResolveSocketPath(string? explicitPath, Func<string, string?>? environment = null)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return explicitPath;
        }

        environment ??= Environment.GetEnvironmentVariable;
        var fromEnvironment = environment(SocketEnvironmentVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? SocketPath : fromEnvironment;
    }
}
