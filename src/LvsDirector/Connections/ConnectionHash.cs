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
