using LvsDirector.Scheduling;
using static LvsDirector.Tests.Scheduling.SchedulerTestHelpers;

namespace LvsDirector.Tests.Scheduling;

public class SourceHashingSchedulerTests
{
    private static ScheduleInput From(uint source, ushort port = 40000, byte protocol = 6) =>
        new(source, 0xC6120064, port, 80, protocol);

    // ip_vs_sh_hashkey, written out independently: hash_32(port + addr, 8) is (x * 0x61C88647) >> 24.
    private static int KernelBucket(uint source, uint port) => (int)(((port + source) * 0x61C88647u) >> 24);

    [Fact]
    public void NameIsSh() => Assert.Equal("sh", new SourceHashingScheduler().Name);

    [Fact]
    public void BucketsAreFilledByWeightInListOrder()
    {
        // Weights 2, 1: buckets A A B A A B ...
        var d = Make(2, 1);
        var scheduler = Create<SourceHashingScheduler>(d);
        for (uint source = 0xC6130000; source < 0xC6130400; source++)
        {
            int bucket = KernelBucket(source, 0);
            var expected = bucket % 3 == 2 ? d[1] : d[0];
            Assert.Same(expected, scheduler.Schedule(From(source)));
        }
    }

    [Fact]
    public void ZeroWeightServerStillOwnsOneBucketPerRound()
    {
        // Weights 0, 1: each takes one bucket in turn; A's buckets give null.
        var d = Make(0, 1);
        var scheduler = Create<SourceHashingScheduler>(d);
        for (uint source = 0xC6130000; source < 0xC6130100; source++)
        {
            var picked = scheduler.Schedule(From(source));
            Assert.Same(KernelBucket(source, 0) % 2 == 0 ? null : d[1], picked);
        }
    }

    [Fact]
    public void SameSourceAlwaysGetsTheSameServer()
    {
        var d = Make(1, 1, 1, 1, 1);
        var scheduler = Create<SourceHashingScheduler>(d);
        var random = new Random(3);
        for (int i = 0; i < 1000; i++)
        {
            uint source = (uint)random.Next();
            var first = scheduler.Schedule(From(source, 1000));
            d[random.Next(5)].AddActive(1); // load does not matter
            Assert.Same(first, scheduler.Schedule(From(source, (ushort)random.Next(1024, 65535))));
        }
    }

    [Fact]
    public void DistributionFollowsWeights()
    {
        var d = Make(1, 2, 3);
        var scheduler = Create<SourceHashingScheduler>(d);
        var counts = new int[3];
        var random = new Random(11);
        for (int i = 0; i < 60_000; i++)
        {
            var picked = (TestDestination)scheduler.Schedule(From((uint)random.Next()))!;
            counts[picked.Name[0] - 'A']++;
        }

        Assert.InRange(counts[0], 9_000, 11_000);
        Assert.InRange(counts[1], 18_500, 21_500);
        Assert.InRange(counts[2], 28_500, 31_500);
    }

    [Fact]
    public void UnavailableServerGivesNullWithoutFallback()
    {
        var d = Make(1, 1, 1);
        var scheduler = Create<SourceHashingScheduler>(d);
        uint source = FindSourceFor(scheduler, d[1]);
        d[1].IsOverloaded = true;
        Assert.Null(scheduler.Schedule(From(source)));
        d[1].IsOverloaded = false;
        d[1].Weight = 0;
        scheduler.Update(d);
        Assert.Null(scheduler.Schedule(From(source)));
    }

    [Fact]
    public void FallbackWalksOnFromTwiceTheHashWhenTheServerIsQuiesced()
    {
        var d = Make(1, 1, 1, 1);
        var scheduler = Create<SourceHashingScheduler>(d);
        scheduler.Configure(SchedulerFlags.Fallback);
        uint source = FindSourceFor(scheduler, d[2]);
        d[2].Weight = 0;
        scheduler.Update(d);

        // ip_vs_sh_get_fallback re-hashes with offset (i + ihash): bucket 2 * ihash + i.
        int ihash = KernelBucket(source, 0);
        int i = 0;
        while (((2 * ihash) + i) % 4 == 2)
        {
            i++;
        }

        var expected = d[((2 * ihash) + i) % 4];
        Assert.Same(expected, scheduler.Schedule(From(source)));
        Assert.Same(expected, scheduler.Schedule(From(source)));

        // Sources of the other servers do not move.
        uint other = FindSourceFor(scheduler, d[0]);
        Assert.Same(d[0], scheduler.Schedule(From(other)));
    }

    [Fact]
    public void FallbackWithEverythingUnavailableGivesNull()
    {
        var d = Make(1, 1);
        var scheduler = Create<SourceHashingScheduler>(d);
        scheduler.Configure(SchedulerFlags.Fallback);
        d[0].IsOverloaded = true;
        d[1].IsOverloaded = true;
        Assert.Null(scheduler.Schedule(From(0xC6130001)));
    }

    [Fact]
    public void PortFlagSpreadsOneClientOverServers()
    {
        var d = Make(1, 1, 1, 1);
        var scheduler = Create<SourceHashingScheduler>(d);
        var withoutPort = Enumerable.Range(1024, 200).Select(p => scheduler.Schedule(From(0xC6130001, (ushort)p))).Distinct().Count();
        Assert.Equal(1, withoutPort);

        scheduler.Configure(SchedulerFlags.Port);
        var withPort = Enumerable.Range(1024, 200).Select(p => scheduler.Schedule(From(0xC6130001, (ushort)p))).Distinct().Count();
        Assert.Equal(4, withPort);
        for (int p = 1024; p < 1100; p++)
        {
            Assert.Same(d[KernelBucket(0xC6130001, (uint)p) % 4], scheduler.Schedule(From(0xC6130001, (ushort)p)));
        }

        // Ports only count for TCP, UDP and SCTP.
        var icmp = Enumerable.Range(1024, 200).Select(p => scheduler.Schedule(From(0xC6130001, (ushort)p, 1))).Distinct().Count();
        Assert.Equal(1, icmp);
    }

    [Fact]
    public void EmptyGivesNull() => Assert.Null(new SourceHashingScheduler().Schedule(From(1)));

    private static uint FindSourceFor(Scheduler scheduler, SchedulerDestination target)
    {
        for (uint source = 0xC6130000; ; source++)
        {
            if (scheduler.Schedule(From(source)) == target)
            {
                return source;
            }
        }
    }
}
