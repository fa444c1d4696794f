using LvsDirector.Services;

namespace LvsDirector.Configuration;

/// <summary>A real server a reload quiesced and will delete once idle or at <see cref="Deadline"/>.</summary>
/// <param name="Service">The service it belongs to.</param>
/// <param name="Server">The very object quiesced: a server re-added meanwhile is another object and is left alone.</param>
/// <param name="Deadline">When it is deleted even with connections left.</param>
public sealed record DrainingServer(ServiceKey Service, RealServer Server, DateTimeOffset Deadline);
