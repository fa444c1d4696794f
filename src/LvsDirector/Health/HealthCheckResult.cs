namespace LvsDirector.Health;

/// <summary>The outcome of one check, with a reason an operator can act on ("HTTP 503 from GET http://...").</summary>
/// <param name="Passed">True when the server passed.</param>
/// <param name="Reason">What happened, in a few words.</param>
public readonly record struct HealthCheckResult(bool Passed, string Reason)
{
    public static HealthCheckResult Pass(string reason) => new(true, reason);

    public static HealthCheckResult Fail(string reason) => new(false, reason);
}
