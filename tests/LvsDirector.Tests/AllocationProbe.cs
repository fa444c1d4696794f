namespace LvsDirector.Tests;

/// <summary>
/// Counts what one run of a loop allocates on this thread after a proper warm-up. Tiered compilation
/// promotes methods in the background after a delay, and its bookkeeping (and on-stack replacement of a
/// long loop) allocates a few bytes on the calling thread once; warming up in rounds with pauses, and
/// giving the loop itself [MethodImpl(AggressiveOptimization)], keeps that out of the measurement.
/// </summary>
internal static class AllocationProbe
{
    /// <summary>The round number the measured run gets; warm-up rounds are numbered below it.</summary>
    public const int MeasuredRound = WarmupRounds;

    private const int WarmupRounds = 3;

    public static long Measure(Action<int> loop, int warmupCount, int measuredCount)
    {
        ArgumentNullException.ThrowIfNull(loop);
        return Measure((_, count) => loop(count), warmupCount, measuredCount);
    }

    /// <summary>
    /// As <see cref="Measure(Action{int}, int, int)"/>, for loops that must not repeat themselves across rounds
    /// (new connections each time, say): the loop gets the round number (0, 1, 2 warming up, then
    /// <see cref="MeasuredRound"/>) and the count.
    /// </summary>
    public static long Measure(Action<int, int> loop, int warmupCount, int measuredCount)
    {
        ArgumentNullException.ThrowIfNull(loop);
        for (var round = 0; round < WarmupRounds; round++)
        {
            loop(round, warmupCount);
            Thread.Sleep(100);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        loop(MeasuredRound, measuredCount);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
