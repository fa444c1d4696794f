namespace LvsDirector.Neighbors;

/// <summary>
/// How <see cref="RouteLookup"/> reads one address family's route type (<see cref="Forwarding.Route"/>,
/// <see cref="Forwarding.Route6"/>), so one walk serves both.
/// </summary>
/// <remarks>
/// Static abstract members on empty structs (<see cref="Ipv4Routes"/>, <see cref="Ipv6Routes"/>), as with the data
/// path's address families: the walk is compiled once per family with direct, inlinable calls and nothing boxes.
/// </remarks>
internal interface IRouteFamily<TRoute, TAddress>
    where TRoute : struct
    where TAddress : unmanaged, IEquatable<TAddress>
{
    static abstract bool Matches(in TRoute route, TAddress address);

    static abstract TAddress Gateway(in TRoute route);

    static abstract int PrefixLength(in TRoute route);
}
