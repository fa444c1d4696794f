using System.Numerics;
using System.Runtime.CompilerServices;
using LvsDirector.Forwarding;

namespace LvsDirector.Neighbors;

/// <summary>IPv4 kernel routes for <see cref="RouteLookup"/>.</summary>
internal readonly struct Ipv4Routes : IRouteFamily<Route, uint>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Matches(in Route route, uint address) => route.Matches(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Gateway(in Route route) => route.Gateway;

    // Kernel netmasks are contiguous, so the bit count orders them as the masks themselves do.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int PrefixLength(in Route route) => BitOperations.PopCount(route.Mask);
}
