namespace LvsDirector.Neighbors;

/// <summary>
/// The longest-prefix walks over one link's gateway routes, for both address families (see
/// <see cref="IRoute{TAddress}"/>). They read spans of structs and allocate nothing.
/// </summary>
internal static class RouteLookup
{
    /// <summary>
    /// The neighbour to hand a packet for <paramref name="address"/> to: the gateway of the first matching route
    /// (routes come longest prefix first), or the address itself when none matches.
    /// </summary>
    public static TAddress NextHop<TRoute, TAddress>(ReadOnlySpan<TRoute> routes, TAddress address)
        where TRoute : struct, IRoute<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        foreach (ref readonly var route in routes)
        {
            if (route.Matches(address))
            {
                return route.Gateway;
            }
        }

        return address;
    }

    /// <summary>The prefix length of the most specific route matching <paramref name="address"/>, or -1 when none does; routes in any order.</summary>
    public static int LongestMatch<TRoute, TAddress>(ReadOnlySpan<TRoute> routes, TAddress address)
        where TRoute : struct, IRoute<TAddress>
        where TAddress : unmanaged, IEquatable<TAddress>
    {
        var longest = -1;
        foreach (ref readonly var route in routes)
        {
            if (route.Matches(address))
            {
                longest = Math.Max(longest, route.PrefixLength);
            }
        }

        return longest;
    }
}
