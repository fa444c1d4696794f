namespace LvsDirector.EndToEnd;

/// <summary>A virtual service line of `lvsadm -L -n` and the destinations listed under it.</summary>
public sealed record IpvsService(string Protocol, string Address, string Scheduler, string Flags, IReadOnlyList<IpvsDestination> Destinations);
