namespace LvsDirector.Scheduling;

/// <summary>
/// <see cref="LoadKey.Ratio"/> for one fixed weight by multiplication instead of a 64-bit division (which costs
/// several times more on the decision path), exact for every overhead.
/// </summary>
/// <remarks>
/// For 0 &lt;= n &lt; 2^63 and 1 &lt;= d &lt;= 2^l, m = ceil(2^(63+l) / d) gives 2^(63+l) &lt;= m*d &lt; 2^(63+l) + d
/// &lt;= 2^(63+l) + 2^l, so floor(n / d) = floor(n * m / 2^(63+l)) (Granlund and Montgomery, "Division by invariant
/// integers using multiplication", theorem 4.2). Here n = overhead * 2^32 with 0 &lt;= overhead &lt; 2^31, so
/// n * m / 2^(63+l) = overhead * m / 2^(31+l): one 64x64-bit multiply and a 128-bit shift. Negative (wrapped)
/// overheads take the division.
/// </remarks>
internal readonly struct WeightDivisor
{
    private readonly ulong _multiplier;
    private readonly int _log;

    /// <summary>A divisor for a weight of 1 to <see cref="LoadKey.MaxWeight"/>; other weights keep only the weight.</summary>
    public WeightDivisor(int weight)
    {
        Weight = weight;
        if (weight is > 0 and <= LoadKey.MaxWeight)
        {
            _log = weight == 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)weight - 1);
            _multiplier = (ulong)(((UInt128.One << (63 + _log)) + (ulong)weight - 1) / (ulong)weight);
        }
    }

    public int Weight { get; }

    /// <summary>floor(overhead * 2^32 / weight), as <see cref="LoadKey.Ratio"/>; the weight must be positive.</summary>
    public long Ratio(int overhead)
    {
        if (overhead < 0 || _multiplier == 0)
        {
            return LoadKey.Ratio(overhead, Weight);
        }

        ulong high = Math.BigMul((ulong)overhead, _multiplier, out ulong low);
        return (long)((high << (33 - _log)) | (low >> (31 + _log)));
    }
}
