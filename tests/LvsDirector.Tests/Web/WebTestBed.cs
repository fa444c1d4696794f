using System.Net;
using LvsDirector.Configuration;
using LvsDirector.Daemon.Web;
using LvsDirector.DataPath;
using LvsDirector.Io;
using LvsDirector.Packets;
using LvsDirector.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Web;

/// <summary>A director with two services and three real servers, and a metrics server on 127.0.0.1, port chosen by the kernel.</summary>
internal sealed class WebTestBed : IAsyncDisposable
{
    public static readonly ServiceKey Http = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 80);
    public static readonly ServiceKey Mark7 = ServiceKey.ForFwmark(7);

    private WebTestBed(Director director, MetricsServer server, HttpClient client)
    {
        Director = director;
        Server = server;
        Client = client;
    }

    public Director Director { get; }

    public MetricsServer Server { get; }

    public HttpClient Client { get; }

    public static async Task<WebTestBed> StartAsync(bool statusPage = true, string path = MetricsConfiguration.DefaultPath)
    {
        // Two workers over in-memory links, so the exposition shows each worker's counters and their sum.
        var director = new Director(
            new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 4096, Workers = 2, DisableOffloads = false },
            NullLoggerFactory.Instance,
            TimeProvider.System,
            name => new InMemoryLink(name, new MacAddress(0x02_00_00_00_00_01), 1500, 16, 16, 2048),
            _ => [(0xC612_0001u, 24)]);
        Assert.Equal(ServiceTableError.None, director.Services.AddService(new VirtualServiceSpec(Http, "wrr")));
        Assert.Equal(ServiceTableError.None, director.Services.AddRealServer(Http, new RealServerSpec(IPAddress.Parse("198.19.0.11"), 8080, 3, ForwardingMethod.Masquerade)));
        Assert.Equal(ServiceTableError.None, director.Services.AddRealServer(Http, new RealServerSpec(IPAddress.Parse("198.19.0.12"), 8080, 0, ForwardingMethod.Masquerade)));
        Assert.Equal(ServiceTableError.None, director.Services.AddService(new VirtualServiceSpec(Mark7, "rr") { PersistenceTimeoutSeconds = 300 }));
        Assert.Equal(ServiceTableError.None, director.Services.AddRealServer(Mark7, new RealServerSpec(IPAddress.Parse("198.19.0.21"), 0, 1, ForwardingMethod.DirectRouting)));

        var http = director.Services.Current.Services.Single(s => s.Key == Http);
        http.Stats.AddConnection();
        http.Stats.AddConnection();
        http.Stats.AddInbound(100);
        http.Stats.AddInbound(60);
        http.Stats.AddOutbound(1500);
        var first = http.Servers.Single(r => r.Weight == 3);
        first.Stats.AddConnection();
        first.Stats.AddInbound(100);
        first.AddActive(4);
        first.AddInactive(2);
        director.Start();
        director.Workers[0].Counters.Received = 1000;
        director.Workers[1].Counters.Received = 234;
        director.Workers[1].Counters.Forwarded = 200;
        director.Workers[0].Counters.NoService = 5;
        director.Workers[0].Counters.ArpRepliesSent = 9;

        var configuration = new MetricsConfiguration { Listen = new IPEndPoint(IPAddress.Loopback, 0), StatusPage = statusPage, Path = path };
        var server = new MetricsServer(director, configuration, NullLoggerFactory.Instance, TimeProvider.System);
        await server.StartAsync(CancellationToken.None);
        var client = new HttpClient { BaseAddress = new Uri($"http://{server.BoundEndpoint}/"), Timeout = TimeSpan.FromSeconds(10) };
        return new WebTestBed(director, server, client);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.StopAsync(CancellationToken.None);
        await Server.DisposeAsync();
        Director.Dispose();
    }
}
