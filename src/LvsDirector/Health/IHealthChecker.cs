namespace LvsDirector.Health;

/// <summary>
/// One kind of check. A checker holds no per-server state, so one instance serves every monitor of its type. The
/// token is cancelled when the check's timeout passes or its monitor stops; the monitor turns the first into a
/// failed result with <see cref="Describe"/>.
/// </summary>
public interface IHealthChecker
{
    /// <summary>What a check of <paramref name="target"/> does, for reasons: "connect to 198.18.1.11:8080".</summary>
    string Describe(HealthCheckTarget target);

    /// <summary>Runs one check from the director's own network stack.</summary>
    Task<HealthCheckResult> CheckAsync(HealthCheckTarget target, CancellationToken cancellationToken);
}
