using System.Net;
using System.Text;
using LvsDirector.Configuration;
using LvsDirector.Daemon;
using LvsDirector.Daemon.Web;
using LvsDirector.DataPath;
using LvsDirector.HighAvailability;
using LvsDirector.Services;
using LvsDirector.Tests.Statistics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.HighAvailability;

public sealed class VrrpHostedServiceTests : IDisposable
{
    private readonly ManualTimeProvider _time = new();
    private readonly Director _director = new(new DirectorSettings { Interfaces = ["lo"] }, NullLoggerFactory.Instance, TimeProvider.System);
    private RecordingTransport? _transport;

    public void Dispose() => _director.Dispose();

    [Fact]
    public async Task Without_vrrp_the_director_keeps_its_vips()
    {
        using var service = Create(vrrp: null);
        await service.StartAsync(CancellationToken.None);

        Assert.True(_director.VipOwnership.IsOwned);
        Assert.Null(service.Instance);
        Assert.Equal(string.Empty, service.StatusText());
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Ownership_follows_the_vrrp_state()
    {
        using var service = Create(new VrrpConfiguration { Interface = "lo", VirtualRouterId = 51 });

        // Released before anything starts, so the data path never announces a VIP it may not own.
        Assert.False(_director.VipOwnership.IsOwned);
        await service.StartAsync(CancellationToken.None);
        Assert.Equal(VrrpState.Backup, service.Instance!.State);
        Assert.Equal("; VRRP VR 51 BACKUP", service.StatusText());
        Assert.Equal([0xC612_0064u], service.Instance.Settings.VirtualAddresses);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(_director.VipOwnership.IsOwned);
        Assert.Equal(1, _director.VipOwnership.Acquisitions);
        Assert.Equal("; VRRP VR 51 MASTER", service.StatusText());

        var metrics = new StringBuilder();
        VrrpMetrics.Write(metrics, service.Instance);
        Assert.Contains("lvsd_vrrp_state{interface=\"lo\",vrid=\"51\"} 2\n", metrics.ToString(), StringComparison.Ordinal);
        Assert.Contains("lvsd_vrrp_adverts_total{interface=\"lo\",vrid=\"51\",direction=\"sent\"} 1\n", metrics.ToString(), StringComparison.Ordinal);

        service.Instance.OnAdvertisement(new VrrpAdvertisement(VrrpVersion.V3, 51, 200, 100, 0xC612_0009, [0xC612_0064]));
        Assert.False(_director.VipOwnership.IsOwned);

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.True(_director.VipOwnership.IsOwned);
        await service.StopAsync(CancellationToken.None);
        Assert.False(_director.VipOwnership.IsOwned);
        Assert.Equal(0, _transport!.Sent[^1].Advert.Priority);
    }

    [Fact]
    public void The_daemon_host_starts_its_data_path_silent_when_vrrp_is_configured()
    {
        var off = new DirectorConfiguration { Interfaces = [new InterfaceConfiguration("lo")] };
        var on = off with { Vrrp = new VrrpConfiguration { Interface = "lo", VirtualRouterId = 51 } };

        // The host constructs every hosted service before it starts the first (the director); nothing is started here.
        using var withVrrp = DaemonHost.Build(on);
        _ = withVrrp.Services.GetRequiredService<IEnumerable<IHostedService>>();
        Assert.False(withVrrp.Services.GetRequiredService<Director>().VipOwnership.IsOwned);

        using var without = DaemonHost.Build(off);
        _ = without.Services.GetRequiredService<IEnumerable<IHostedService>>();
        Assert.True(without.Services.GetRequiredService<Director>().VipOwnership.IsOwned);
    }

    [Fact]
    public void Settings_take_the_ipv4_vips_of_the_services_once()
    {
        VirtualServiceConfiguration Service(string address, ushort port) =>
            new() { Protocol = ServiceProtocol.Tcp, Address = IPAddress.Parse(address), Port = port };

        var settings = VrrpHostedService.ToSettings(
            new VrrpConfiguration { Interface = "eth0", VirtualRouterId = 9, Priority = 254, Version = 2, UnicastPeers = [IPAddress.Parse("198.18.0.7")] },
            [Service("198.18.0.100", 80), Service("198.18.0.100", 443), Service("2001:db8::100", 80), Service("198.18.0.101", 80)],
            0xC612_0001);

        Assert.Equal([0xC612_0064u, 0xC612_0065u], settings.VirtualAddresses);
        Assert.Equal(VrrpVersion.V2, settings.Version);
        Assert.Equal(254, settings.Priority);
        Assert.Equal([0xC612_0007u], settings.UnicastPeers);

        var none = VrrpHostedService.ToSettings(new VrrpConfiguration { Interface = "eth0", VirtualRouterId = 9 }, [], 0xC612_0001);
        Assert.Equal([0xC612_0001u], none.VirtualAddresses);
    }

    private VrrpHostedService Create(VrrpConfiguration? vrrp)
    {
        var configuration = new DirectorConfiguration
        {
            Interfaces = [new InterfaceConfiguration("lo")],
            Vrrp = vrrp,
            Services = [new VirtualServiceConfiguration { Protocol = ServiceProtocol.Tcp, Address = IPAddress.Parse("198.18.0.100"), Port = 80 }],
        };
        return new VrrpHostedService(_director, configuration, _time, NullLoggerFactory.Instance, (_, _) => _transport = new RecordingTransport(_time));
    }
}
