using System.Net;
using LvsDirector.Configuration;
using LvsDirector.Services;

namespace LvsDirector.Tests.Configuration;

public class ConfigurationApplierTests
{
    private static readonly DirectorConfiguration TwoServices = ConfigurationLoader.LoadFromText(
        """
        interfaces: [eth0, eth1]
        connections: { table_size: 4096 }
        neighbors: { arp_timeout: 30 }
        offloads: { disable: false }
        kernel_bypass: { ingress_drop: false }
        services:
          - protocol: tcp
            address: 198.18.0.10
            port: 80
            scheduler: rr
            interface: eth1
            real_servers:
              - { address: 198.18.1.11, port: 8080, weight: 2, method: masq }
              - { address: 198.18.1.12, method: masq }
          - protocol: udp
            address: 198.18.0.53
            port: 53
            real_servers:
              - { address: 198.18.1.21, method: masq }
        """,
        "apply.yaml").Configuration!;

    private static readonly ServiceKey Http = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.10"), 80);
    private static readonly ServiceKey Dns = new(ServiceProtocol.Udp, IPAddress.Parse("198.18.0.53"), 53);

    [Fact]
    public void DataPathWorkersAndCpusReachTheSettings()
    {
        var configuration = ConfigurationLoader.LoadFromText("interfaces: [eth0]\ndata_path: { workers: 3, cpus: [1, 0] }\n", "dp.yaml").Configuration!;
        var settings = ConfigurationApplier.ToSettings(configuration);
        Assert.Equal(3, settings.Workers);
        Assert.Equal([1, 0], settings.WorkerCpus);

        var auto = ConfigurationApplier.ToSettings(ConfigurationLoader.LoadFromText("interfaces: [eth0]\ndata_path: { workers: auto }\n", "auto.yaml").Configuration!);
        Assert.Null(auto.Workers);
        Assert.Empty(auto.WorkerCpus);
    }

    [Fact]
    public void SettingsCarryTheSections()
    {
        var settings = ConfigurationApplier.ToSettings(TwoServices);

        Assert.Equal(["eth0", "eth1"], settings.Interfaces);
        Assert.Equal(4096, settings.ConnectionTableSize);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.NeighborTimeout);
        Assert.False(settings.DisableOffloads);
        Assert.False(settings.KernelIngressDrop);
    }

    [Fact]
    public void ServicesAreAddedBeforeTheirRealServersInFileOrder()
    {
        var calls = new List<string>();

        var failures = ConfigurationApplier.ApplyServices(
            TwoServices,
            spec =>
            {
                calls.Add($"A {spec.Key.Address}:{spec.Key.Port} {spec.Scheduler} {spec.Interface}");
                return ServiceTableError.None;
            },
            (key, server) =>
            {
                calls.Add($"a {key.Port} {server.Address}:{server.Port} w{server.Weight} {server.Method}");
                return ServiceTableError.None;
            });

        Assert.Empty(failures);
        Assert.Equal(
            [
                "A 198.18.0.10:80 rr eth1",
                "a 80 198.18.1.11:8080 w2 Masquerade",
                "a 80 198.18.1.12:80 w1 Masquerade",
                "A 198.18.0.53:53 wlc ",
                "a 53 198.18.1.21:53 w1 Masquerade",
            ],
            calls);
    }

    [Fact]
    public void EveryRefusalIsReportedAndARefusedServiceSkipsItsRealServers()
    {
        var realServerCalls = 0;

        var failures = ConfigurationApplier.ApplyServices(
            TwoServices,
            spec => spec.Key == Http ? ServiceTableError.ServiceExists : ServiceTableError.None,
            (key, server) =>
            {
                realServerCalls++;
                return ServiceTableError.DestinationExists;
            });

        Assert.Equal(1, realServerCalls);
        Assert.Equal(
            [
                new ConfigurationApplyFailure(Http, null, ServiceTableError.ServiceExists),
                new ConfigurationApplyFailure(Dns, new IPEndPoint(IPAddress.Parse("198.18.1.21"), 53), ServiceTableError.DestinationExists),
            ],
            failures);
        Assert.Equal("service TCP 198.18.0.10:80: ServiceExists", failures[0].ToString());
        Assert.Equal("service UDP 198.18.0.53:53 real server 198.18.1.21:53: DestinationExists", failures[1].ToString());
    }
}
