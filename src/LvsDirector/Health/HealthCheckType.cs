namespace LvsDirector.Health;

/// <summary>The kinds of check, as the config file names them (health_check.type).</summary>
public enum HealthCheckType
{
    /// <summary>A TCP connect (keepalived TCP_CHECK, ldirectord checktype=connect).</summary>
    Tcp,

    /// <summary>An HTTP GET (keepalived HTTP_GET, ldirectord service=http).</summary>
    Http,

    /// <summary>An HTTP GET over TLS without certificate verification (keepalived SSL_GET, ldirectord service=https).</summary>
    Https,

    /// <summary>An ICMP echo (keepalived PING_CHECK, ldirectord checktype=ping).</summary>
    Ping,

    /// <summary>A program's exit code (keepalived MISC_CHECK, ldirectord checktype=external).</summary>
    Exec,
}
