using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class MaglevHashSchedulerTests
{
    private static ScheduleInput From(uint source, ushort port = 40000, byte protocol = 6) =>
        new(source, 0xC6120064, port, 80, protocol);

    private static TestDestination[] Servers(int count, int weight = 1) =>
        Enumerable.Range(0, count).Select(i => new TestDestination("S" + i, weight, 0xC6120100u + (uint)i, 8080)).ToArray();

    private static SchedulerDestination?[] Map(Scheduler scheduler, int flows, int seed = 1)
    {
        var random = new Random(seed);
        var result = new SchedulerDestination?[flows];
        for (int i = 0; i < flows; i++)
        {
            result[i] = scheduler.Schedule(From((uint)random.Next(), (ushort)random.Next(1024, 65536)));
        }

        return result;
    }

    [Fact]
    public void NameIsMh() => Assert.Equal("mh", new MaglevHashScheduler().Name);

    [Fact]
    public void HsiphashMatchesTheKernelTestVector()
    {
        // lib/siphash_kunit.c: key 00..0f, input bytes 00 01 02 03 gives 0x88d38328 on 64-bit.
        Assert.Equal(0x88d38328u, KernelSipHash.Hash32(0x03020100u, 0x0706050403020100UL, 0x0f0e0d0c0b0a0908UL));
    }

    [Theory]
    [InlineData(250)]
    [InlineData(65537)]
    public void RejectsSizesThatAreNotKernelPrimes(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaglevHashScheduler(size));

    [Fact]
    public void EveryServerGetsAFairShareOfTheTable()
    {
        var d = Servers(10);
        var scheduler = Create<MaglevHashScheduler>(d);
        var counts = Map(scheduler, 100_000).GroupBy(x => x).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(10, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 9_000, 11_000));
    }

    [Fact]
    public void SameClientSticks()
    {
        var scheduler = Create<MaglevHashScheduler>(Servers(7));
        Assert.Equal(Map(scheduler, 10_000, 5), Map(scheduler, 10_000, 5));
    }

    [Fact]
    public void RemovingOneOfTenMovesAboutATenthOfFlows()
    {
        var d = Servers(10);
        var scheduler = Create<MaglevHashScheduler>(d);
        var before = Map(scheduler, 100_000);
        scheduler.Update(d.Where((_, i) => i != 4).ToArray());
        var after = Map(scheduler, 100_000);
        int moved = before.Zip(after).Count(p => p.First != p.Second);
        Assert.InRange(moved / 100_000.0, 0.08, 0.13);

        // Flows of the servers that stayed mostly stay where they were.
        int movedFromSurvivors = before.Zip(after).Count(p => p.First != d[4] && p.First != p.Second);
        Assert.InRange(movedFromSurvivors / 100_000.0, 0.0, 0.03);
    }

    [Fact]
    public void AddingAnEleventhServerTakesAboutAnEleventh()
    {
        var d = Servers(11);
        var scheduler = Create<MaglevHashScheduler>(d.Take(10).ToArray());
        var before = Map(scheduler, 100_000);
        scheduler.Update(d);
        var after = Map(scheduler, 100_000);
        Assert.InRange(after.Count(x => x == d[10]) / 100_000.0, 0.08, 0.10);
        Assert.InRange(before.Zip(after).Count(p => p.First != p.Second) / 100_000.0, 0.08, 0.13);
    }

    [Fact]
    public void WeightsGiveProportionalShares()
    {
        var d = Enumerable.Range(0, 4).Select(i => new TestDestination("W" + (i + 1), i + 1, 0xC6120200u + (uint)i, 80)).ToArray();
        var scheduler = Create<MaglevHashScheduler>(d);
        var flows = Map(scheduler, 100_000);
        for (int i = 0; i < 4; i++)
        {
            double share = flows.Count(x => x == d[i]) / 100_000.0;
            Assert.InRange(share, (i + 1) / 10.0 * 0.9, (i + 1) / 10.0 * 1.1);
        }
    }

    [Fact]
    public void QuiescingKeepsTheTableAndNullsOnlyThatServersFlows()
    {
        var d = Servers(5);
        var scheduler = Create<MaglevHashScheduler>(d);
        var before = Map(scheduler, 20_000);
        d[2].Weight = 0;
        scheduler.Update(d);
        var after = Map(scheduler, 20_000);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Same(before[i] == d[2] ? null : before[i], after[i]);
        }

        scheduler.Configure(SchedulerFlags.Fallback);
        var fallback = Map(scheduler, 20_000);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.NotNull(fallback[i]);
            Assert.NotSame(d[2], fallback[i]);
            if (before[i] != d[2])
            {
                Assert.Same(before[i], fallback[i]);
            }
        }

        // Restoring the weight restores the very same mapping.
        d[2].Weight = 1;
        scheduler.Update(d);
        Assert.Equal(before, Map(scheduler, 20_000));
    }

    [Fact]
    public void OverloadedServerGivesNullOrFallsBack()
    {
        var d = Servers(3);
        var scheduler = Create<MaglevHashScheduler>(d);
        var flows = Map(scheduler, 3_000);
        d[0].IsOverloaded = true;
        Assert.All(Map(scheduler, 3_000).Zip(flows), p => Assert.Same(p.Second == d[0] ? null : p.Second, p.First));
        scheduler.Configure(SchedulerFlags.Fallback);
        Assert.All(Map(scheduler, 3_000), x => Assert.True(x == d[1] || x == d[2]));
        d[1].IsOverloaded = true;
        d[2].IsOverloaded = true;
        Assert.All(Map(scheduler, 10), Assert.Null);
    }

    [Fact]
    public void PortFlagSpreadsOneClient()
    {
        var scheduler = Create<MaglevHashScheduler>(Servers(8));
        var ports = Enumerable.Range(1024, 500).Select(p => scheduler.Schedule(From(0xC6130009, (ushort)p))).ToArray();
        Assert.Single(ports.Distinct());
        scheduler.Configure(SchedulerFlags.Port);
        ports = Enumerable.Range(1024, 500).Select(p => scheduler.Schedule(From(0xC6130009, (ushort)p))).ToArray();
        Assert.Equal(8, ports.Distinct().Count());
    }

    [Fact]
    public void ServerAddedAtWeightZeroTakesNoSlots()
    {
        var d = Servers(3);
        var scheduler = Create<MaglevHashScheduler>(d);
        var before = Map(scheduler, 5_000);
        var idle = new TestDestination("Z", 0, 0xC6120300, 80);
        scheduler.Update([d[0], d[1], d[2], idle]);
        Assert.Equal(before, Map(scheduler, 5_000));
    }

    [Fact]
    public void EmptyOrAllZeroGivesNull()
    {
        Assert.Null(new MaglevHashScheduler().Schedule(From(1)));
        var scheduler = Create<MaglevHashScheduler>(Servers(2, 0));
        Assert.All(Map(scheduler, 100), Assert.Null);
    }
}
