using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class RoundRobinSchedulerTests
{
    private static RoundRobinScheduler Create(IReadOnlyList<SchedulerDestination> destinations)
    {
        var scheduler = new RoundRobinScheduler();
        scheduler.Update(destinations);
        return scheduler;
    }

    [Fact]
    public void NameIsRr() => Assert.Equal("rr", new RoundRobinScheduler().Name);

    [Fact]
    public void EqualWeightsCycleInOrder() =>
        Assert.Equal("A B C A B C A", Picks(Create(Make(1, 1, 1)), 7));

    [Fact]
    public void WeightsDoNotChangeTheCycle() =>
        Assert.Equal("A B C A B C", Picks(Create(Make(5, 1, 3)), 6));

    [Fact]
    public void EmptyGivesNull() => Assert.Equal("- -", Picks(new RoundRobinScheduler(), 2));

    [Fact]
    public void AllQuiescentGivesNull() => Assert.Equal("- -", Picks(Create(Make(0, 0, 0)), 2));

    [Fact]
    public void QuiescentServerIsSkippedOthersContinue() =>
        Assert.Equal("A C A C", Picks(Create(Make(1, 0, 1)), 4));

    [Fact]
    public void OverloadedServerIsSkippedUntilCleared()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create(d);
        d[1].IsOverloaded = true;
        Assert.Equal("A C A C", Picks(scheduler, 4));
        d[1].IsOverloaded = false;
        Assert.Equal("A B C", Picks(scheduler, 3));
    }

    [Fact]
    public void AllOverloadedGivesNull()
    {
        var d = Make(1, 1);
        var scheduler = Create(d);
        d[0].IsOverloaded = true;
        d[1].IsOverloaded = true;
        Assert.Equal("-", Picks(scheduler, 1));
    }

    [Fact]
    public void AddingAServerKeepsThePosition()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create(d);
        Assert.Equal("A B", Picks(scheduler, 2));
        var added = new TestDestination("D", 1);
        scheduler.Update([d[0], d[1], added, d[2]]);
        Assert.Equal("D C A B", Picks(scheduler, 4));
    }

    [Fact]
    public void RemovingTheCurrentServerContinuesAfterItsPredecessor()
    {
        var d = Make(1, 1, 1, 1);
        var scheduler = Create(d);
        Assert.Equal("A B C", Picks(scheduler, 3));
        scheduler.Update([d[0], d[3]]);
        Assert.Equal("D A D", Picks(scheduler, 3));
    }

    [Fact]
    public void RemovingTheFirstCurrentServerRestartsAtHead()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create(d);
        Assert.Equal("A", Picks(scheduler, 1));
        scheduler.Update([d[1], d[2]]);
        Assert.Equal("B C B", Picks(scheduler, 3));
    }

    [Fact]
    public void WeightChangeToZeroTakesEffectOnUpdate()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create(d);
        Assert.Equal("A", Picks(scheduler, 1));
        d[1].Weight = 0;
        scheduler.Update(d);
        Assert.Equal("C A C", Picks(scheduler, 3));
    }

    [Fact]
    public void ConcurrentWorkersShareOneExactCycle()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create(d);
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

        Assert.Equal([40_000, 40_000, 40_000], counts);
    }

    [Fact]
    public void ScheduleDoesNotAllocate()
    {
        var scheduler = Create(Make(1, 2, 0, 3));
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
