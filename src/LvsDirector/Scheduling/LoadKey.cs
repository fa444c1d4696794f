namespace LvsDirector.Scheduling;

/// <summary>Exact order keys for overhead / weight ratios, so comparing two destinations is one comparison of numbers.</summary>
internal static class LoadKey
{
    /// <summary>
    /// Above this weight two different ratios could share a key; lists with heavier servers are scanned instead.
    /// ipvsadm accepts weights up to 65535.
    /// </summary>
    public const int MaxWeight = 1 << 16;

    /// <summary>Never the key of a candidate: ratio keys stay below 2^63 - 2^32.</summary>
    public const long None = long.MaxValue;

    /// <summary>
    /// floor(overhead * 2^32 / weight). Two different ratios a/b and c/d differ by at least 1/(b*d) &gt;= 2^-32 when
    /// both weights are at most 2^16, so their scaled values differ by at least 1 and their floors differ; equal
    /// ratios give equal keys. Hence the keys order exactly as the kernel's cross-multiplied comparison does.
    /// </summary>
    public static long Ratio(int overhead, int weight)
    {
        long scaled = (long)overhead << 32;
        long quotient = scaled / weight;
        return scaled < 0 && quotient * weight != scaled ? quotient - 1 : quotient;
    }
}
