namespace LvsDirector.Tests;

/// <summary>
/// Counts what one run of a loop allocates on this thread after a proper warm-up. Tiered compilation
/// promotes methods in the background after a delay, and its bookkeeping (and on-stack replacement of a
/// long loop) allocates a few bytes on the calling thread once; warming up in rounds with pauses, and
/// giving the loop itself [MethodImpl(AggressiveOptimization)], keeps that out of the measurement.
/// </summary>
internal static class AllocationProbe
{
    public static long Measure(Action<int> loop, int warmupCount, int measuredCount)
    {
        ArgumentNullException.ThrowIfNull(loop);
        for (var round = 0; round < 3; round++)
        {
            loop(warmupCount);
            Thread.Sleep(100);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        loop(measuredCount);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
