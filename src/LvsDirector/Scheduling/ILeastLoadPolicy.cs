namespace LvsDirector.Scheduling;

/// <summary>
/// The load rule of one least-load scheduler, as static members so the JIT compiles a dedicated scan per policy
/// (policies are empty structs). Candidates are destinations with a positive weight that are not overloaded.
/// </summary>
internal interface ILeastLoadPolicy
{
    /// <summary>The IPVS overhead of a destination (an int, wrapping as the kernel's does).</summary>
    static abstract int Overhead(int active, int inactive);

    /// <summary>Whether the candidate beats the best so far; false on ties, so the first in list order wins.</summary>
    static abstract bool Better(int candidateOverhead, int candidateWeight, int bestOverhead, int bestWeight);

    /// <summary>Whether a destination with this overhead and weight may be chosen at all (ovf: only with room).</summary>
    static abstract bool IsCandidate(int overhead, int weight);

    /// <summary>
    /// A number ordered as <see cref="Better"/> and <see cref="IsFinal"/> order candidates (lower is better, equal
    /// when neither is better), for weights up to <see cref="LoadKey.MaxWeight"/>.
    /// </summary>
    static abstract long Key(int overhead, in WeightDivisor weight);

    /// <summary>Whether a candidate with this overhead ends the scan at once (nq's idle server).</summary>
    static abstract bool IsFinal(int overhead);
}
