namespace LvsDirector.Admin.Import;

/// <summary>The server a service falls back to while every real server is down (keepalived sorry_server, ldirectord fallback=).</summary>
internal sealed record ImportedSorryServer
{
    public required string Address { get; init; }

    /// <summary>0: the service's port.</summary>
    public int Port { get; init; }

    /// <summary>masq, route or tunnel.</summary>
    public required string Method { get; init; }

    public int SourceLine { get; init; }
}
