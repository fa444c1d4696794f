using System.Net;
using LvsDirector.Daemon;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;
using LvsDirector.Tests.Statistics;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Daemon;

public class RateEstimationHostedServiceTests
{
    private static readonly ServiceKey Web = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.10"), 80);

    [Fact]
    public async Task Ticks_every_service_and_real_server_each_interval_and_stops_with_the_host()
    {
        var time = new ManualTimeProvider();
        using var director = NewDirector(time);
        Assert.Equal(ServiceTableError.None, director.Services.AddService(new VirtualServiceSpec(Web, "rr")));
        Assert.Equal(ServiceTableError.None, director.Services.AddRealServer(Web, new RealServerSpec(IPAddress.Parse("198.18.1.11"), 80, 1, ForwardingMethod.Masquerade)));
        var service = director.Services.Current.Services.Single();
        var server = service.Servers.Single();
        using var hosted = new RateEstimationHostedService(director, time);
        await hosted.StartAsync(CancellationToken.None);
        await WaitForTimer(time);

        // 200 connections and 2,000 packets per 2 s interval, steadily.
        for (int interval = 0; interval < 40; interval++)
        {
            for (int i = 0; i < 200; i++)
            {
                service.Stats.AddConnection();
                server.Stats.AddConnection();
            }

            for (int i = 0; i < 2_000; i++)
            {
                service.Stats.AddInbound(100);
                server.Stats.AddInbound(100);
            }

            time.Advance(TimeSpan.FromSeconds(2));
            await WaitForPasses(hosted, interval + 1);
        }

        // The IPVS estimator converges on the true rate: 100 conn/s, 1,000 packets/s, 100,000 bytes/s.
        var serviceRates = service.Stats.Rates.Read();
        var serverRates = server.Stats.Rates.Read();
        Assert.InRange(serviceRates.ConnectionsPerSecond, 90UL, 100UL);
        Assert.InRange(serviceRates.InPacketsPerSecond, 900UL, 1_000UL);
        Assert.InRange(serviceRates.InBytesPerSecond, 90_000UL, 100_000UL);
        Assert.Equal(serviceRates, serverRates);

        await hosted.StopAsync(CancellationToken.None);
        var stopped = service.Stats.Rates.Read();
        for (int i = 0; i < 500; i++)
        {
            service.Stats.AddConnection();
        }

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(stopped, service.Stats.Rates.Read());
    }

    [Fact]
    public async Task Without_traffic_rates_stay_zero()
    {
        var time = new ManualTimeProvider();
        using var director = NewDirector(time);
        Assert.Equal(ServiceTableError.None, director.Services.AddService(new VirtualServiceSpec(Web, "rr")));
        using var hosted = new RateEstimationHostedService(director, time);
        await hosted.StartAsync(CancellationToken.None);
        await WaitForTimer(time);

        for (int i = 1; i <= 10; i++)
        {
            time.Advance(TimeSpan.FromSeconds(2));
            await WaitForPasses(hosted, i);
        }

        Assert.Equal(0UL, director.Services.Current.Services.Single().Stats.Rates.Read().ConnectionsPerSecond);
        await hosted.StopAsync(CancellationToken.None);
    }

    private static Director NewDirector(TimeProvider time) =>
        new(new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 1024, DisableOffloads = false }, NullLoggerFactory.Instance, time,
            name => new InMemoryLink(name, new MacAddress(0x02_00_00_00_00_01), 1500, 16, 16, 2048),
            _ => [(0xC612_0001u, 24)]);

    private static async Task WaitForPasses(RateEstimationHostedService hosted, int passes)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (hosted.Passes < passes && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1);
        }

        Assert.Equal(passes, hosted.Passes);
    }

    // ExecuteAsync runs on its own until its first await creates the PeriodicTimer.
    private static async Task WaitForTimer(ManualTimeProvider time)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (time.ActiveTimers == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5);
        }

        Assert.Equal(1, time.ActiveTimers);
    }
}
