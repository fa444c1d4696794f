using System.Runtime.CompilerServices;
using LvsDirector.Services;

namespace LvsDirector.Tests.Services;

public class TrafficCountersTests
{
    [Fact]
    public void Workers_add_to_their_own_stripes_and_readers_see_the_exact_sum()
    {
        var counters = new TrafficCounters();
        const int PerWorker = 200_000;

        // More writers than stripes too: workers past the stripe count share one and still lose nothing.
        var workers = (TrafficCounters.StripeCount * 2) + 1;
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, worker =>
        {
            for (var i = 0; i < PerWorker; i++)
            {
                counters.AddInbound(worker, 100);
                counters.AddOutbound(worker, 1500);
            }

            counters.AddConnection(worker);
        });

        Assert.Equal(workers, counters.Connections);
        Assert.Equal((long)workers * PerWorker, counters.InPackets);
        Assert.Equal((long)workers * PerWorker, counters.OutPackets);
        Assert.Equal((long)workers * PerWorker * 100, counters.InBytes);
        Assert.Equal((long)workers * PerWorker * 1500, counters.OutBytes);
    }

    [Fact]
    public void Reset_zeroes_every_stripe()
    {
        var counters = new TrafficCounters();
        for (var worker = 0; worker < TrafficCounters.StripeCount; worker++)
        {
            counters.AddConnection(worker);
            counters.AddInbound(worker, 10);
            counters.AddOutbound(worker, 20);
        }

        Assert.Equal(TrafficCounters.StripeCount, counters.Connections);
        counters.Reset();
        Assert.Equal(0, counters.Connections + counters.InPackets + counters.OutPackets + counters.InBytes + counters.OutBytes);
    }

    [Fact]
    public void Two_stripes_never_share_a_cache_line()
    {
        // The counters sit in the upper half of a 128-byte stripe: wherever the array starts, the counters of
        // neighbouring stripes are at least 88 bytes apart.
        Assert.Equal(128, Unsafe.SizeOf<TrafficStripe>());
    }
}
