using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

/// <summary>
/// The least-load index (LoadBlockMinimum) replays lazily: counter changes only mark destinations and the next
/// decision re-reads them. These tests put bursts of changes (many destinations, many groups of 64, pairs that cancel, several changes to one
/// destination) between decisions and still demand the kernel scan's exact choice and half-weight answer.
/// </summary>
public class LoadBlockMinimumTests
{
    [Theory]
    [InlineData("lc", 65)]
    [InlineData("lc", 1000)]
    [InlineData("wlc", 129)]
    [InlineData("wlc", 4097)]
    [InlineData("sed", 1000)]
    [InlineData("nq", 700)]
    [InlineData("ovf", 513)]
    public void BurstsOfChangesBetweenDecisionsGiveTheKernelsChoice(string name, int servers)
    {
        var random = new Random(servers * 7 + name.Length);
        var d = Make(Enumerable.Range(0, servers).Select(_ => random.Next(5) == 0 ? 0 : random.Next(1, 6)).ToArray());
        foreach (var destination in d)
        {
            destination.AddActive(random.Next(0, 4));
            destination.AddInactive(random.Next(0, 5));
        }

        Assert.True(SchedulerRegistry.TryCreate(name, out var scheduler));
        scheduler.Update(d);
        for (int step = 0; step < 1_500; step++)
        {
            int burst = random.Next(4) == 0 ? random.Next(0, 3 * servers) : random.Next(0, 8);
            for (int i = 0; i < burst; i++)
            {
                var other = d[random.Next(servers)];
                switch (random.Next(8))
                {
                    case 0:
                        // Cancelling pair: the key ends where it started.
                        other.AddActive(1);
                        other.AddActive(-1);
                        break;
                    case 1:
                        other.IsOverloaded = !other.IsOverloaded;
                        break;
                    case 2 or 3:
                        if (other.ActiveConnections > 0)
                        {
                            other.AddActive(-1);
                            other.AddInactive(1);
                        }

                        break;
                    case 4:
                        if (other.InactiveConnections > 0)
                        {
                            other.AddInactive(-1);
                        }

                        break;
                    case 5:
                        other.AddActive(-other.ActiveConnections);
                        break;
                    default:
                        other.AddActive(1);
                        break;
                }
            }

            var picked = scheduler.Schedule(default);
            Assert.Same(LeastLoadIndexTests.Kernel(name, d), picked);
            picked?.AddActive(1);
        }
    }

    [Theory]
    [InlineData("lc", 1000)]
    [InlineData("wlc", 1000)]
    [InlineData("sed", 100)]
    [InlineData("nq", 1057)]
    public void EqualLoadsAreTakenInListOrderAcrossBlocks(string name, int servers)
    {
        // Equal weights and counters: every key ties, so the first in list order wins; each pick makes it worse, so
        // the picks walk the whole list (crossing every block of 32 and every group of 64), then start again.
        var d = Make(Enumerable.Repeat(3, servers).ToArray());
        Assert.True(SchedulerRegistry.TryCreate(name, out var scheduler));
        scheduler.Update(d);
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < servers; i++)
            {
                var picked = scheduler.Schedule(default);
                Assert.Same(d[i], picked);
                Assert.Same(LeastLoadIndexTests.Kernel(name, d), picked);
                picked!.AddActive(1);
            }
        }

        // A tie between the last server and one in the first block goes to the earlier one.
        d[servers - 1].AddActive(-1);
        d[5].AddActive(-1);
        Assert.Same(d[5], scheduler.Schedule(default));
        d[5].AddActive(1);
        Assert.Same(d[servers - 1], scheduler.Schedule(default));
    }

    [Fact]
    public void HalfWeightRuleFollowsBurstsOfChanges()
    {
        var random = new Random(3);
        var d = Make(Enumerable.Range(0, 300).Select(_ => random.Next(1, 9)).ToArray());
        foreach (var destination in d)
        {
            destination.AddActive(destination.Weight);
        }

        var index = LeastLoadIndex.Create<WeightedLeastConnectionPolicy>(d, LeastLoadIndex.Empty);
        Assert.NotNull(index.Tracker);
        int changes = 0;
        for (int step = 0; step < 2_000; step++)
        {
            for (int i = random.Next(0, 20); i > 0; i--)
            {
                var other = d[random.Next(d.Length)];
                other.AddActive(other.ActiveConnections > 0 && random.Next(2) == 0 ? -1 : 1);
                changes++;
            }

            bool expected = d.Any(x => (long)x.ActiveConnections * 2 < x.Weight);
            Assert.Equal(expected, index.AnyBelowHalfWeight());
        }

        Assert.True(changes > 10_000);
    }

    [Fact]
    public void ChangesRacingWithDecisionsAreAllSeenByTheNextQuietDecision()
    {
        // Workers move counters and decide concurrently; once they stop, one decision must equal the kernel scan,
        // so no mark was lost between a worker's counter update and a replay.
        var d = Make(Enumerable.Range(0, 2000).Select(i => 1 + (i % 4)).ToArray());
        foreach (var destination in d)
        {
            destination.AddActive(10);
        }

        var scheduler = Create<WeightedLeastConnectionScheduler>(d);
        for (int round = 0; round < 5; round++)
        {
            Parallel.For(0, 4, worker =>
            {
                var random = new Random(round * 10 + worker);
                for (int i = 0; i < 20_000; i++)
                {
                    var picked = scheduler.Schedule(default);
                    picked?.AddActive(1);
                    var other = d[random.Next(d.Length)];
                    if (other.ActiveConnections > 1)
                    {
                        other.AddActive(-1);
                        other.AddInactive(1);
                    }
                }
            });

            Assert.Same(LeastLoadIndexTests.Kernel("wlc", d), scheduler.Schedule(default));
        }
    }
}
