using LvsDirector.Statistics;

namespace LvsDirector.Tests.Statistics;

/// <summary>
/// Expected values worked out by hand from ip_vs_est.c: per 2 s tick, rate = delta &lt;&lt; 9 (conns, packets) or
/// delta &lt;&lt; 4 (bytes), avg += (rate - avg) &gt;&gt; 2; read as (avg + 0x1FF) &gt;&gt; 10 or (avg + 0xF) &gt;&gt; 5.
/// </summary>
public sealed class RateEstimatorTests
{
    private readonly FakeTrafficSource _source = new();

    [Fact]
    public void A_new_estimator_reads_zero()
    {
        Assert.Equal(default, new RateEstimator(_source).Read());
    }

    [Fact]
    public void First_tick_takes_a_quarter_of_the_interval_rate()
    {
        var estimator = new RateEstimator(_source);
        _source.Add(100, 1000, 800, 100_000, 1_000_000);

        estimator.Tick();

        // conns: 100<<9 = 51200, avg 12800, (12800+511)>>10 = 12; inpkts: 512000 -> 128000 -> 125;
        // outpkts: 409600 -> 102400 -> 100; inbytes: 1600000 -> 400000 -> (400015)>>5 = 12500; outbytes 4000000 -> 125000.
        Assert.Equal(new TrafficRates(12, 125, 100, 12_500, 125_000), estimator.Read());
    }

    [Fact]
    public void Second_and_third_ticks_follow_the_weighted_average()
    {
        var estimator = new RateEstimator(_source);
        _source.Add(100, 1000, 800, 100_000, 1_000_000);
        estimator.Tick();
        _source.Add(100, 1000, 800, 100_000, 1_000_000);

        estimator.Tick();

        // conns: 12800 + (51200-12800)>>2 = 22400 -> 22911>>10 = 22; inpkts 224000 -> 219; outpkts 179200 -> 175;
        // inbytes 700000 -> 21875; outbytes 7000000 -> 218750.
        Assert.Equal(new TrafficRates(22, 219, 175, 21_875, 218_750), estimator.Read());

        estimator.Tick();

        // No traffic: conns 22400 + (0-22400)>>2 = 16800 -> 17311>>10 = 16; inpkts 224000-56000 = 168000 -> 164;
        // outpkts 179200-44800 = 134400 -> 131; inbytes 525000 -> 16406; outbytes 5250000 -> 164062.
        Assert.Equal(new TrafficRates(16, 164, 131, 16_406, 164_062), estimator.Read());
    }

    [Fact]
    public void A_steady_load_converges_to_the_true_rate()
    {
        var estimator = new RateEstimator(_source);
        for (var i = 0; i < 60; i++)
        {
            // 50 conns/s, 700 in-pps, 300 out-pps, 64 kB/s in, 2 MB/s out.
            _source.Add(100, 1400, 600, 128_000, 4_000_000);
            estimator.Tick();
        }

        Assert.Equal(new TrafficRates(50, 700, 300, 64_000, 2_000_000), estimator.Read());
    }

    [Fact]
    public void Half_a_connection_per_second_rounds_to_zero_like_the_kernel()
    {
        var estimator = new RateEstimator(_source);
        for (var i = 0; i < 60; i++)
        {
            _source.Add(1, 0, 0, 0, 0);
            estimator.Tick();
        }

        // The average settles just under 512 (0.5 * 1024): (509 + 511) >> 10 = 0.
        Assert.Equal(0UL, estimator.Read().ConnectionsPerSecond);
    }

    [Fact]
    public void Decays_towards_zero_when_traffic_stops()
    {
        var estimator = new RateEstimator(_source);
        for (var i = 0; i < 30; i++)
        {
            _source.Add(100, 100, 100, 1000, 1000);
            estimator.Tick();
        }

        for (var i = 0; i < 60; i++)
        {
            estimator.Tick();
        }

        Assert.Equal(default, estimator.Read());
    }

    [Fact]
    public void Counts_before_the_estimator_existed_are_not_a_burst()
    {
        _source.Add(1_000_000, 1_000_000, 1_000_000, 1_000_000_000, 1_000_000_000);
        var estimator = new RateEstimator(_source);
        _source.Add(100, 1000, 800, 100_000, 1_000_000);

        estimator.Tick();

        Assert.Equal(new TrafficRates(12, 125, 100, 12_500, 125_000), estimator.Read());
    }

    [Fact]
    public void Zero_clears_the_rates_and_restarts_from_the_current_counters()
    {
        var estimator = new RateEstimator(_source);
        _source.Add(100, 1000, 800, 100_000, 1_000_000);
        estimator.Tick();

        estimator.Zero();
        Assert.Equal(default, estimator.Read());

        _source.Add(100, 1000, 800, 100_000, 1_000_000);
        estimator.Tick();
        Assert.Equal(new TrafficRates(12, 125, 100, 12_500, 125_000), estimator.Read());
    }

    [Fact]
    public void Counters_reset_behind_its_back_act_as_zero_instead_of_a_huge_rate()
    {
        var estimator = new RateEstimator(_source);
        _source.Add(100, 1000, 800, 100_000, 1_000_000);
        estimator.Tick();

        _source.Connections = 0;
        _source.InPackets = 0;
        _source.OutPackets = 0;
        _source.InBytes = 0;
        _source.OutBytes = 0;
        estimator.Tick();
        Assert.Equal(default, estimator.Read());

        _source.Add(100, 1000, 800, 100_000, 1_000_000);
        estimator.Tick();
        Assert.Equal(new TrafficRates(12, 125, 100, 12_500, 125_000), estimator.Read());
    }

    [Fact]
    public async Task Reads_during_ticks_from_other_threads_are_consistent()
    {
        var estimator = new RateEstimator(_source);
        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var rates = estimator.Read();
                Assert.True(rates.ConnectionsPerSecond <= 50, $"impossible rate {rates}");
                Interlocked.Increment(ref reads);
            }
        });

        // Ticks keep coming until the reader has overlapped with many of them (bounded by 10 s).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        for (var i = 0; i < 20_000 || (Volatile.Read(ref reads) < 1000 && DateTime.UtcNow < deadline); i++)
        {
            _source.Add(100, 0, 0, 0, 0);
            estimator.Tick();
        }

        await stop.CancelAsync();
        await reader;
        Assert.True(Volatile.Read(ref reads) >= 1000, $"only {reads} reads overlapped the ticks");
        Assert.Equal(50UL, estimator.Read().ConnectionsPerSecond);
    }
}
