namespace LvsDirector.Health;

/// <summary>
/// One health_check block, with the defaults filled in. Value equality (lists included) tells a reload whether a
/// server's check is unchanged, in which case its monitor and state are kept.
/// </summary>
/// <param name="Type">What kind of check.</param>
public sealed record HealthCheckSettings(HealthCheckType Type)
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(6);
    public static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);
    public const int DefaultFall = 3;
    public const int DefaultRise = 1;
    public const int MaxCount = 100;

    /// <summary>Between checks while the last one passed (keepalived delay_loop).</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>Between checks after a failed one (keepalived delay_before_retry).</summary>
    public TimeSpan RetryInterval { get; init; } = DefaultRetryInterval;

    /// <summary>Whole check: connect, request and reply (keepalived connect_timeout).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>Consecutive failed checks that take an up server down.</summary>
    public int Fall { get; init; } = DefaultFall;

    /// <summary>Consecutive passed checks that bring a down server up.</summary>
    public int Rise { get; init; } = DefaultRise;

    /// <summary>State before the first result; false is keepalived's alpha.</summary>
    public bool InitiallyUp { get; init; } = true;

    /// <summary>Port to check (keepalived connect_port); 0 for the real server's own port.</summary>
    public ushort Port { get; init; }

    /// <summary>HTTP(S): request path.</summary>
    public string Path { get; init; } = "/";

    /// <summary>HTTP(S): Host header (keepalived virtualhost); null for the server's address.</summary>
    public string? Host { get; init; }

    /// <summary>HTTP(S): accepted status codes; empty accepts any 2xx.</summary>
    public IReadOnlyList<int> StatusCodes { get; init; } = [];

    /// <summary>HTTP(S): text the body must contain (ldirectord receive=); null for no requirement.</summary>
    public string? Expect { get; init; }

    /// <summary>HTTP(S): lower-case MD5 hex of the body (keepalived digest); null for no requirement.</summary>
    public string? Digest { get; init; }

    /// <summary>Exec: program and arguments, %a and %p not yet substituted; empty for other types.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    public bool Equals(HealthCheckSettings? other) =>
        other is not null
        && Type == other.Type
        && Interval == other.Interval
        && RetryInterval == other.RetryInterval
        && Timeout == other.Timeout
        && Fall == other.Fall
        && Rise == other.Rise
        && InitiallyUp == other.InitiallyUp
        && Port == other.Port
        && string.Equals(Path, other.Path, StringComparison.Ordinal)
        && string.Equals(Host, other.Host, StringComparison.Ordinal)
        && StatusCodes.SequenceEqual(other.StatusCodes)
        && string.Equals(Expect, other.Expect, StringComparison.Ordinal)
        && string.Equals(Digest, other.Digest, StringComparison.Ordinal)
        && Command.SequenceEqual(other.Command, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Type, Interval, Fall, Rise, Port, Path);

    /// <summary>The port a check of a server on <paramref name="serverPort"/> goes to (<paramref name="servicePort"/> when the server's is 0).</summary>
    public ushort PortFor(ushort serverPort, ushort servicePort) =>
        Port != 0 ? Port : serverPort != 0 ? serverPort : servicePort;
}
