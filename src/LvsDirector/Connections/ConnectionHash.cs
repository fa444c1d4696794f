using System.Runtime.CompilerServices;

namespace LvsDirector.Connections;

/// <summary>
/// Seeded 64-bit mixing of a packed flow tuple. The per-table seed keeps bucket placement unpredictable to
/// senders, so crafted tuples cannot pile into one chain.
/// </summary>
internal static class ConnectionHash
{
    public static ulong Mix(ulong high, ulong low, ulong seed)
    {
        ulong h = (high ^ seed) * 0x9E3779B97F4A7C15UL;
        h ^= low + (seed >> 17);
        h ^= h >> 32;
        h *= 0xBF58476D1CE4E5B9UL;
        h ^= h >> 29;
        h *= 0x94D049BB133111EBUL;
        h ^= h >> 32;
        return h;
    }

    /// <summary>
    /// Packs two addresses into the 64-bit word <see cref="Mix"/> takes first. Two IPv4 addresses fit side by side
    /// (exactly what the IPv4 table always hashed); two IPv6 addresses are first mixed down, seeded, to one word.
    /// </summary>
    /// <remarks>
    /// The type tests are constants for each value-type instantiation, so the JIT keeps only one branch.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pair<TAddress>(TAddress first, TAddress second, ulong seed)
        where TAddress : unmanaged
    {
        if (typeof(TAddress) == typeof(uint))
        {
            return ((ulong)Unsafe.As<TAddress, uint>(ref first) << 32) | Unsafe.As<TAddress, uint>(ref second);
        }

        if (typeof(TAddress) == typeof(UInt128))
        {
            var a = Unsafe.As<TAddress, UInt128>(ref first);
            var b = Unsafe.As<TAddress, UInt128>(ref second);
            ulong h = Mix((ulong)(a >> 64), (ulong)a, seed);
            return Mix((ulong)(b >> 64) ^ h, (ulong)b, seed);
        }

        throw new NotSupportedException($"{typeof(TAddress)} is not an address type.");
    }

    /// <summary>splitmix64, to widen an int seed into independent 64-bit keys.</summary>
    public static ulong Expand(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        ulong z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
