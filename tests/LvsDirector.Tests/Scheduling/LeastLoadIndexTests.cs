using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

/// <summary>
/// The block-summary index must return exactly what the kernel's plain list scans return; these tests compare it
/// with straight transcriptions of ip_vs_lc.c, ip_vs_wlc.c, ip_vs_sed.c and ip_vs_nq.c under random load changes.
/// </summary>
public class LeastLoadIndexTests
{
    private static TestDestination? KernelLc(TestDestination[] d)
    {
        TestDestination? least = null;
        long loh = 0;
        foreach (var dest in d)
        {
            if (dest.IsOverloaded || dest.Weight == 0)
            {
                continue;
            }

            long doh = (dest.ActiveConnections << 8) + dest.InactiveConnections;
            if (least is null || doh < loh)
            {
                least = dest;
                loh = doh;
            }
        }

        return least;
    }

    private static TestDestination? KernelWeighted(TestDestination[] d, Func<TestDestination, long> overhead, bool neverQueue)
    {
        TestDestination? least = null;
        long loh = 0;
        foreach (var dest in d)
        {
            if (dest.IsOverloaded || dest.Weight <= 0)
            {
                continue;
            }

            long doh = overhead(dest);
            if (neverQueue && dest.ActiveConnections == 0)
            {
                return dest;
            }

            if (least is null || loh * dest.Weight > doh * least.Weight)
            {
                least = dest;
                loh = doh;
            }
        }

        return least;
    }

    private static TestDestination? KernelOvf(TestDestination[] d)
    {
        TestDestination? h = null;
        foreach (var dest in d)
        {
            int w = dest.Weight;
            if (dest.IsOverloaded || dest.ActiveConnections > w || w == 0)
            {
                continue;
            }

            if (h is null || w > h.Weight)
            {
                h = dest;
            }
        }

        return h;
    }

    internal static TestDestination? Kernel(string name, TestDestination[] d) => name switch
    {
        "ovf" => KernelOvf(d),
        "lc" => KernelLc(d),
        "wlc" => KernelWeighted(d, x => (x.ActiveConnections << 8) + x.InactiveConnections, false),
        "sed" => KernelWeighted(d, x => x.ActiveConnections + 1, false),
        "nq" => KernelWeighted(d, x => x.ActiveConnections + 1, true),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [InlineData("lc", 7)]
    [InlineData("lc", 1000)]
    [InlineData("wlc", 40)]
    [InlineData("wlc", 1000)]
    [InlineData("wlc", 3000)]
    [InlineData("sed", 1000)]
    [InlineData("nq", 1000)]
    [InlineData("nq", 33)]
    [InlineData("ovf", 20)]
    [InlineData("ovf", 1000)]
    public void MatchesTheKernelScanUnderRandomChanges(string name, int servers)
    {
        var random = new Random(servers * 31 + name.Length);
        var weights = Enumerable.Range(0, servers).Select(_ => random.Next(4) == 0 ? 0 : random.Next(1, 6)).ToArray();
        var d = Make(weights);
        foreach (var destination in d)
        {
            destination.AddActive(random.Next(1, 20));
            destination.AddInactive(random.Next(0, 300));
        }

        Assert.True(SchedulerRegistry.TryCreate(name, out var scheduler));
        scheduler.Update(d);
        for (int step = 0; step < 5_000; step++)
        {
            var picked = scheduler.Schedule(default);
            Assert.Same(Kernel(name, d), picked);
            picked?.AddActive(1);
            var other = d[random.Next(servers)];
            switch (random.Next(10))
            {
                case 0:
                    other.IsOverloaded = !other.IsOverloaded;
                    break;
                case 1 or 2:
                    if (other.ActiveConnections > 0)
                    {
                        other.AddActive(-1);
                        other.AddInactive(1);
                    }

                    break;
                case 3:
                    if (other.InactiveConnections > 0)
                    {
                        other.AddInactive(-1);
                    }

                    break;
                case 4 when step % 50 == 0:
                    other.Weight = random.Next(0, 6);
                    scheduler.Update(d);
                    break;
                case 5:
                    // Drain to idle, which nq must notice anywhere in the list.
                    other.AddActive(-other.ActiveConnections);
                    break;
            }
        }
    }

    [Fact]
    public void DestinationsSharedWithAnotherSchedulerStillGiveExactChoices()
    {
        var d = Make(Enumerable.Repeat(2, 500).ToArray());
        var first = Create<WeightedLeastConnectionScheduler>(d);
        var second = Create<WeightedLeastConnectionScheduler>(d); // takes over change reporting from the first
        var random = new Random(7);
        for (int i = 0; i < 2_000; i++)
        {
            Assert.Same(Kernel("wlc", d), first.Schedule(default));
            Assert.Same(Kernel("wlc", d), second.Schedule(default));
            d[random.Next(d.Length)].AddActive(1);
        }
    }

    [Fact]
    public void RemovedDestinationsStopReporting()
    {
        var d = Make(Enumerable.Repeat(1, 100).ToArray());
        var scheduler = Create<LeastConnectionScheduler>(d);
        Assert.NotNull(d[99].ChangeSlot);
        scheduler.Update(d.Take(50).ToArray());
        Assert.Null(d[99].ChangeSlot);
        Assert.NotNull(d[0].ChangeSlot);
    }

    [Fact]
    public void ConcurrentWorkersNeverReturnAnUnavailableServer()
    {
        var d = Make(Enumerable.Range(0, 1000).Select(i => i % 7 == 0 ? 0 : 1 + (i % 3)).ToArray());
        var scheduler = Create<WeightedLeastConnectionScheduler>(d);
        int bad = 0;
        RunOnThreads(3, t =>
        {
            var random = new Random(t);
            for (int i = 0; i < 50_000; i++)
            {
                var picked = scheduler.Schedule(default);
                if (picked is null || picked.Weight == 0)
                {
                    Interlocked.Increment(ref bad);
                    continue;
                }

                picked.AddActive(1);
                d[random.Next(d.Length)].AddInactive(1);
            }
        });

        Assert.Equal(0, bad);
        Assert.Equal(150_000, d.Sum(x => x.ActiveConnections));

        // Once the workers stop, the cached summaries must agree with a fresh scan.
        Assert.Same(Kernel("wlc", d), scheduler.Schedule(default));
    }

    [Theory]
    [InlineData("lc", 33)]
    [InlineData("lc", 65)]
    [InlineData("wlc", 64)]
    [InlineData("wlc", 513)]
    [InlineData("sed", 100)]
    [InlineData("sed", 4097)]
    [InlineData("nq", 65)]
    [InlineData("nq", 700)]
    [InlineData("ovf", 100)]
    [InlineData("ovf", 513)]
    public void TiesGoToTheFirstInListOrderLikeTheKernelScan(string name, int servers)
    {
        // Few distinct weights and tiny loads make equal overheads and equal ratios everywhere.
        var random = new Random(servers + name.Length * 7);
        var d = Make(Enumerable.Range(0, servers).Select(_ => random.Next(5) == 0 ? 0 : 1 << random.Next(3)).ToArray());
        foreach (var destination in d)
        {
            destination.AddActive(random.Next(0, 3));
        }

        Assert.True(SchedulerRegistry.TryCreate(name, out var scheduler));
        scheduler.Update(d);
        for (int step = 0; step < 3_000; step++)
        {
            Assert.Same(Kernel(name, d), scheduler.Schedule(default));
            var other = d[random.Next(servers)];
            switch (random.Next(6))
            {
                case 0 when other.ActiveConnections > 0:
                    other.AddActive(-1);
                    break;
                case 1:
                    other.AddActive(1);
                    break;
                case 2:
                    other.AddInactive(random.Next(2) == 0 ? 1 : -1);
                    break;
                case 3 when step % 10 == 0:
                    other.IsOverloaded = !other.IsOverloaded;
                    break;
                case 4:
                    scheduler.Schedule(default)?.AddActive(2);
                    break;
            }
        }
    }

    [Fact]
    public void RatioKeysOrderExactlyAsCrossMultiplication()
    {
        var random = new Random(5);
        int[] edgeWeights = [1, 2, 3, 65535, 65536, 65534, 32768];
        int[] edgeOverheads = [0, 1, -1, int.MaxValue, int.MinValue, int.MaxValue - 1, 65535, 65536, 256];
        for (int i = 0; i < 200_000; i++)
        {
            int w1 = i % 3 == 0 ? edgeWeights[random.Next(edgeWeights.Length)] : random.Next(1, LoadKey.MaxWeight + 1);
            int w2 = i % 5 == 0 ? edgeWeights[random.Next(edgeWeights.Length)] : random.Next(1, LoadKey.MaxWeight + 1);
            int o1 = i % 7 == 0 ? edgeOverheads[random.Next(edgeOverheads.Length)] : random.Next(int.MinValue, int.MaxValue);

            // Mostly near-equal ratios: o2 close to o1 * w2 / w1.
            long near = (long)o1 * w2 / w1 + random.Next(-2, 3);
            int o2 = i % 2 == 0 ? (int)Math.Clamp(near, int.MinValue, int.MaxValue) : random.Next(int.MinValue, int.MaxValue);
            int expected = ((long)o1 * w2).CompareTo((long)o2 * w1);
            Assert.Equal(expected, LoadKey.Ratio(o1, w1).CompareTo(LoadKey.Ratio(o2, w2)));
        }
    }

    [Fact]
    public void WeightsAboveTheKeyLimitAreStillExact()
    {
        var d = Make(Enumerable.Range(0, 200).Select(i => i == 150 ? 1_000_000 : 1 + (i % 3)).ToArray());
        var scheduler = Create<WeightedLeastConnectionScheduler>(d);
        var random = new Random(3);
        for (int i = 0; i < 2_000; i++)
        {
            var picked = scheduler.Schedule(default);
            Assert.Same(Kernel("wlc", d), picked);
            picked?.AddActive(1);
            d[random.Next(d.Length)].AddInactive(1);
        }
    }
}
