namespace LvsDirector.Admin.Import;

/// <summary>
/// A health_check block as docs/configuration.md spells it. Null members are left out of the YAML so lvsd's
/// defaults apply; the importers set every value where the source's default differs from lvsd's.
/// Value equality lets the writer hoist a check shared by every real server to the service.
/// </summary>
internal sealed record ImportedHealthCheck
{
    /// <summary>lvsd's fall stops here (HEALTH.md: 1..100).</summary>
    public const int MaxFall = 100;

    /// <summary>lvsd's range for interval, retry_interval and timeout.</summary>
    public static readonly TimeSpan MinimumTiming = TimeSpan.FromMilliseconds(100);

    /// <summary>lvsd's range for interval, retry_interval and timeout.</summary>
    public static readonly TimeSpan MaximumTiming = TimeSpan.FromHours(1);

    // lvsd's defaults (HEALTH.md): a value equal to one of these is left out of the YAML.
    private static readonly TimeSpan LvsdInterval = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan LvsdRetryInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LvsdTimeout = TimeSpan.FromSeconds(5);
    private const int LvsdFall = 3;

    /// <summary>tcp, http, https, ping, exec or none.</summary>
    public required string Type { get; init; }

    public TimeSpan? Interval { get; init; }

    public TimeSpan? RetryInterval { get; init; }

    public TimeSpan? Timeout { get; init; }

    public int? Fall { get; init; }

    public int? Rise { get; init; }

    public bool InitialDown { get; init; }

    /// <summary>0: the real server's port.</summary>
    public int Port { get; init; }

    public string? Path { get; init; }

    public string? Host { get; init; }

    /// <summary>The accepted status codes, comma separated; null: any 2xx.</summary>
    public string? Status { get; init; }

    public string? Expect { get; init; }

    public string? Digest { get; init; }

    public string? Command { get; init; }

    /// <summary>Whether the check connects to a port (so a port the real server loses must move here).</summary>
    public bool UsesPort => Type is "tcp" or "http" or "https" or "exec";

    /// <summary>This check with the timings the source implies, each left unset where it equals lvsd's default.</summary>
    public ImportedHealthCheck WithTimings(TimeSpan interval, TimeSpan retryInterval, TimeSpan timeout, int fall, bool initialDown) => this with
    {
        Interval = interval == LvsdInterval ? null : interval,
        RetryInterval = retryInterval == LvsdRetryInterval ? null : retryInterval,
        Timeout = timeout == LvsdTimeout ? null : timeout,
        Fall = fall == LvsdFall ? null : fall,
        InitialDown = initialDown,
    };
}
