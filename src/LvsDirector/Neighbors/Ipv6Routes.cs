using System.Runtime.CompilerServices;
using LvsDirector.Forwarding;

namespace LvsDirector.Neighbors;

/// <summary>IPv6 kernel routes for <see cref="RouteLookup"/>.</summary>
internal readonly struct Ipv6Routes : IRouteFamily<Route6, UInt128>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Matches(in Route6 route, UInt128 address) => route.Matches(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Gateway(in Route6 route) => route.Gateway;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PrefixLength(in Route6 route) => route.PrefixLength;
}
