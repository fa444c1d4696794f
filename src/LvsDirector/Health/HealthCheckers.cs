namespace LvsDirector.Health;

/// <summary>The stock checker of each type; checkers keep no state, so one instance of each serves every monitor.</summary>
public static class HealthCheckers
{
    private static readonly TcpHealthChecker Tcp = new();
    private static readonly HttpHealthChecker Http = new();
    private static readonly HttpsHealthChecker Https = new();
    private static readonly PingHealthChecker Ping = new();
    private static readonly ExecHealthChecker Exec = new();

    public static IHealthChecker For(HealthCheckType type) => type switch
    {
        HealthCheckType.Tcp => Tcp,
        HealthCheckType.Http => Http,
        HealthCheckType.Https => Https,
        HealthCheckType.Ping => Ping,
        HealthCheckType.Exec => Exec,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown health check type"),
    };
}
