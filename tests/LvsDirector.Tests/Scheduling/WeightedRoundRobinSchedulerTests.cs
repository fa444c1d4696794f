using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class WeightedRoundRobinSchedulerTests
{
    private static WeightedRoundRobinScheduler Create(IReadOnlyList<SchedulerDestination> destinations)
    {
        var scheduler = new WeightedRoundRobinScheduler();
        scheduler.Update(destinations);
        return scheduler;
    }

    [Fact]
    public void NameIsWrr() => Assert.Equal("wrr", new WeightedRoundRobinScheduler().Name);

    [Theory]
    [InlineData(new[] { 1, 1, 1 }, "A B C A B C")]
    [InlineData(new[] { 3, 2, 1 }, "A A B A B C A A B A B C")]
    [InlineData(new[] { 15, 10, 5 }, "A A B A B C A A B A B C")]
    [InlineData(new[] { 4, 3, 2 }, "A A B A B C A B C A")]
    [InlineData(new[] { 4, 2 }, "A A B A A B")]
    [InlineData(new[] { 2, 5 }, "B B B A B A B")]
    [InlineData(new[] { 3, 0, 1 }, "A A A C A")]
    [InlineData(new[] { 0, 0, 0 }, "- -")]
    [InlineData(new int[0], "- -")]
    public void ExactSequences(int[] weights, string expected) =>
        Assert.Equal(expected, Picks(Create(Make(weights)), expected.Split(' ').Length));

    [Theory]
    [InlineData(new[] { 3, 2, 1 })]
    [InlineData(new[] { 15, 10, 5 })]
    [InlineData(new[] { 7, 5, 3 })]
    [InlineData(new[] { 1, 0, 4, 5, 2, 3 })]
    public void DistributionOver30000PicksMatchesWeightsExactly(int[] weights)
    {
        var d = Make(weights);
        var scheduler = Create(d);
        var counts = new int[weights.Length];
        var input = default(ScheduleInput);
        for (int i = 0; i < 30_000; i++)
        {
            counts[((TestDestination)scheduler.Schedule(in input)!).Name[0] - 'A']++;
        }

        int total = weights.Sum();
        Assert.Equal(weights.Select(w => 30_000 / total * w), counts);
    }

    [Fact]
    public void OverloadedServerIsSkipped()
    {
        var d = Make(3, 2, 1);
        var scheduler = Create(d);
        d[0].IsOverloaded = true;
        Assert.Equal("B B C B B C", Picks(scheduler, 6));
    }

    [Fact]
    public void AllOverloadedGivesNullAndRecovers()
    {
        var d = Make(100, 1);
        var scheduler = Create(d);
        d[0].IsOverloaded = true;
        d[1].IsOverloaded = true;
        Assert.Equal("- -", Picks(scheduler, 2));
        d[1].IsOverloaded = false;
        Assert.Equal("B B", Picks(scheduler, 2));
    }

    [Fact]
    public void AddingAServerRestartsAtHeadKeepingCurrentWeight()
    {
        var d = Make(3, 2, 1);
        var scheduler = Create(d);
        Assert.Equal("A A B", Picks(scheduler, 3)); // cw is 2 now
        scheduler.Update([d[0], d[1], d[2], new TestDestination("D", 3)]);
        Assert.Equal("A B D A B C D A D A B D", Picks(scheduler, 12));
    }

    [Fact]
    public void RemovingAServerMidSequence()
    {
        var d = Make(3, 2, 1);
        var scheduler = Create(d);
        Assert.Equal("A A B", Picks(scheduler, 3));
        scheduler.Update([d[0], d[2]]);
        Assert.Equal("A A C A A A C", Picks(scheduler, 7));
    }

    [Fact]
    public void CurrentWeightAboveNewMaximumResetsToMaximum()
    {
        var d = Make(3, 2, 1);
        var scheduler = Create(d);
        Assert.Equal("A", Picks(scheduler, 1)); // cw is 3
        d[0].Weight = 1;
        scheduler.Update(d); // mw becomes 2
        Assert.Equal("B A B C B A B C", Picks(scheduler, 8));
    }

    [Fact]
    public void CurrentWeightIsRealignedToNewDivisor()
    {
        var d = Make(4, 2); // di 2, mw 3
        var scheduler = Create(d);
        Assert.Equal("A", Picks(scheduler, 1)); // cw is 3
        d[1].Weight = 6;
        scheduler.Update(d); // di 2, mw 5, cw stays 3 (3 / 2 * 2 + 1)
        Assert.Equal("A B A B B A B A B", Picks(scheduler, 9));
    }

    [Fact]
    public void AllWeightsDroppingToZeroGivesNullThenRecovers()
    {
        var d = Make(2, 1);
        var scheduler = Create(d);
        Assert.Equal("A A", Picks(scheduler, 2));
        d[0].Weight = 0;
        d[1].Weight = 0;
        scheduler.Update(d);
        Assert.Equal("-", Picks(scheduler, 1));
        d[1].Weight = 1;
        scheduler.Update(d);
        Assert.Equal("B B", Picks(scheduler, 2));
    }

    [Fact]
    public void ConcurrentWorkersKeepExactProportions()
    {
        var scheduler = Create(Make(3, 2, 1));
        var counts = new int[3];
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            threads[t] = new Thread(() =>
            {
                var input = default(ScheduleInput);
                var local = new int[3];
                for (int i = 0; i < 30_000; i++)
                {
                    local[((TestDestination)scheduler.Schedule(in input)!).Name[0] - 'A']++;
                }

                for (int k = 0; k < 3; k++)
                {
                    Interlocked.Add(ref counts[k], local[k]);
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal([60_000, 40_000, 20_000], counts);
    }

    [Fact]
    public void UpdatesDuringSchedulingNeverReturnAForeignDestination()
    {
        var first = Make(3, 2, 1);
        var second = new[] { new TestDestination("X", 1), new TestDestination("Y", 4) };
        var allowed = new HashSet<SchedulerDestination>(first.Concat<SchedulerDestination>(second));
        var scheduler = Create(first);
        using var stop = new CancellationTokenSource();
        int bad = 0;
        var worker = new Thread(() =>
        {
            var input = default(ScheduleInput);
            while (!stop.IsCancellationRequested)
            {
                var picked = scheduler.Schedule(in input);
                if (picked is null || !allowed.Contains(picked))
                {
                    Interlocked.Increment(ref bad);
                }
            }
        });
        worker.Start();
        for (int i = 0; i < 2_000; i++)
        {
            scheduler.Update(i % 2 == 0 ? second : first);
        }

        stop.Cancel();
        worker.Join();
        Assert.Equal(0, bad);
    }

    [Fact]
    public void ScheduleDoesNotAllocate()
    {
        var scheduler = Create(Make(5, 3, 0, 1));
        var input = default(ScheduleInput);
        var allocated = AllocationProbe.Measure(
            [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
            (count) =>
            {
                for (int i = 0; i < count; i++)
                {
                    scheduler.Schedule(in input);
                }
            },
            warmupCount: 1000,
            measuredCount: 1_000_000);

        Assert.Equal(0, allocated);
    }
}
