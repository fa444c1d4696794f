namespace LvsDirector.Neighbors;

/// <summary>
/// A gateway route of either address family (<see cref="Forwarding.Route"/>, <see cref="Forwarding.Route6"/>), as
/// <see cref="RouteLookup"/> walks them.
/// </summary>
/// <remarks>
/// Implemented by readonly structs and used only as a constraint on a struct type argument, so the walk is compiled
/// once per route type with direct, inlinable calls: nothing boxes.
/// </remarks>
public interface IRoute<TAddress>
    where TAddress : unmanaged, IEquatable<TAddress>
{
    /// <summary>Next hop for the addresses this route matches.</summary>
    TAddress Gateway { get; }

    /// <summary>Prefix length, 0 for the default route.</summary>
    int PrefixLength { get; }

    bool Matches(TAddress address);
}
