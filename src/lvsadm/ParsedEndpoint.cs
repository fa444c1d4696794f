using System.Net;

namespace LvsDirector.Admin;

/// <summary>host[:port] after parsing; <see cref="Port"/> is null when none was written.</summary>
internal sealed record ParsedEndpoint(IPAddress Address, int? Port);
