using System.Net;
using LvsDirector.Daemon.Web;
using LvsDirector.HighAvailability;
using LvsDirector.Services;
using LvsDirector.Tests.HighAvailability;
using LvsDirector.Tests.Statistics;

namespace LvsDirector.Tests.Web;

public sealed class StatusSnapshotTests
{
    [Fact]
    public async Task The_sorry_server_is_marked_and_the_vrrp_state_is_shown_when_there_is_an_instance()
    {
        await using var bed = await WebTestBed.StartAsync();
        var table = bed.Director.Services;
        foreach (var server in table.Current.Services.Single(s => s.Key == WebTestBed.Http).Servers.ToList())
        {
            table.SetServerHealth(WebTestBed.Http, server.IPAddress, server.Port, up: false, out _);
        }

        Assert.Equal(ServiceTableError.None, table.SetSorryServer(
            WebTestBed.Http, new RealServerSpec(IPAddress.Parse("198.19.0.99"), 8080, 1, ForwardingMethod.Masquerade)));
        var time = new ManualTimeProvider();
        using var vrrp = new VrrpInstance(
            new VrrpInstanceSettings
            {
                Interface = "eth0",
                VirtualRouterId = 51,
                Priority = 100,
                AdvertisementInterval = TimeSpan.FromSeconds(1),
                Preempt = true,
                PreemptDelay = TimeSpan.Zero,
                Version = VrrpVersion.V3,
                PrimaryAddress = 0xC612_0002,
                VirtualAddresses = [0xC612_0064],
            },
            new RecordingTransport(time),
            time,
            new RecordingLogger());

        var withVrrp = StatusSnapshot.Take(bed.Director, time, vrrp);
        var without = StatusSnapshot.Take(bed.Director, time);

        var servers = withVrrp.Services.Single(s => s.Port == 80).Servers;
        Assert.Equal("198.19.0.99", Assert.Single(servers, r => r.SorryServer).Address);
        Assert.All(servers.Where(r => !r.SorryServer), r => Assert.Equal(ServerHealth.Down, r.Health));
        Assert.Equal($"VR 51 on eth0: {VrrpInstance.Name(vrrp.State)}", withVrrp.Vrrp);
        Assert.Null(without.Vrrp);
    }
}
