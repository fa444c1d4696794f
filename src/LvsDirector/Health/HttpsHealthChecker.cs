namespace LvsDirector.Health;

/// <summary>The HTTP check over TLS, without certificate verification (keepalived SSL_GET).</summary>
public sealed class HttpsHealthChecker : HttpHealthChecker
{
    public HttpsHealthChecker()
        : base(tls: true)
    {
    }
}
