using System.Net;
using LvsDirector.Configuration;
using LvsDirector.Services;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Tests.Configuration;

public class ConfigurationLoaderTests
{
    [Fact]
    public void SampleFileLoads()
    {
        var result = ConfigurationLoader.Load(RepositoryRoot.File("samples", "lvsd.yaml"));

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        var config = result.Configuration;
        Assert.Equal(["eth0", "eth1"], config.Interfaces.Select(i => i.Name));
        Assert.Equal("external", config.Interfaces[0].Role);
        Assert.Equal("/run/lvsd/lvsd.sock", config.Socket.Path);
        Assert.Equal(LogLevel.Information, config.Logging.Level);
        Assert.Equal(1048576, config.Connections.TableSize);
        Assert.Equal(TimeSpan.FromSeconds(60), config.Neighbors.ArpTimeout);
        Assert.True(config.Offloads.Disable);
        Assert.Equal(4, config.Services.Count);
        Assert.Equal(TimeSpan.FromSeconds(900), config.Connections.TcpTimeout);

        var shop = config.Services[3];
        Assert.Equal(ServiceKey.ForFwmark(1), shop.Key);
        Assert.Equal(TimeSpan.FromMinutes(30), shop.Persistence!.Timeout);
        Assert.All(shop.RealServers, s => Assert.Equal(0, s.Port));
        Assert.Equal(2000u, shop.RealServers[0].UpperThreshold);
        var rule = Assert.Single(config.FirewallMarks);
        Assert.Equal([new PortRange(80, 80), new PortRange(443, 443)], rule.Ports);
        Assert.True(config.Services[2].OnePacket);

        var http = config.Services[0];
        Assert.Equal(new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.10"), 80), http.Key);
        Assert.Equal("wlc", http.Scheduler);
        Assert.Equal("eth0", http.Interface);
        // Each server carries the service's check, resolved.
        var check = new LvsDirector.Health.HealthCheckSettings(LvsDirector.Health.HealthCheckType.Http)
        {
            Path = "/healthz", StatusCodes = [200], Timeout = TimeSpan.FromSeconds(2),
        };
        Assert.Equal(
            [new RealServerConfiguration(IPAddress.Parse("198.18.1.11"), 8080, 3, ForwardingMethod.Masquerade) { HealthCheck = check },
             new RealServerConfiguration(IPAddress.Parse("198.18.1.12"), 8080, 1, ForwardingMethod.Masquerade) { HealthCheck = check }],
            http.RealServers);
        Assert.Equal(new RealServerConfiguration(IPAddress.Parse("198.18.1.99"), 8080, 1, ForwardingMethod.Masquerade), http.SorryServer);
        Assert.Null(config.Vrrp);

        var https = config.Services[1];
        Assert.Equal("rr", https.Scheduler);
        Assert.Null(https.Interface);
        Assert.All(https.RealServers, s => Assert.Equal(443, s.Port));
        Assert.Equal(0, https.RealServers[2].Weight);
        Assert.All(https.RealServers, s => Assert.Equal(LvsDirector.Health.HealthCheckType.Tcp, s.HealthCheck!.Type));

        Assert.Equal(ServiceProtocol.Udp, config.Services[2].Protocol);
        Assert.Equal("sh", config.Services[2].Scheduler);
    }

    [Fact]
    public void MinimalFileGetsDefaults()
    {
        var result = ConfigurationLoader.LoadFromText(
            """
            interfaces: [eth0]
            services:
              - protocol: tcp
                address: 198.18.0.10
                port: 80
                real_servers:
                  - address: 198.18.1.11
                    method: masq
            """,
            "min.yaml");

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        var config = result.Configuration;
        Assert.Equal(SocketConfiguration.DefaultPath, config.Socket.Path);
        Assert.Null(config.Socket.Group);
        Assert.Equal(LogLevel.Information, config.Logging.Level);
        Assert.Null(config.Logging.File);
        Assert.Equal(ConnectionsConfiguration.DefaultTableSize, config.Connections.TableSize);
        Assert.Equal(NeighborsConfiguration.DefaultArpTimeout, config.Neighbors.ArpTimeout);
        Assert.True(config.Offloads.Disable);
        var service = Assert.Single(config.Services);
        Assert.Equal("wlc", service.Scheduler);
        Assert.Null(service.Persistence);
        var server = Assert.Single(service.RealServers);
        Assert.Equal(new RealServerConfiguration(IPAddress.Parse("198.18.1.11"), 80, 1, ForwardingMethod.Masquerade), server);
    }

    [Fact]
    public void EverySectionIsRead()
    {
        var result = ConfigurationLoader.LoadFromText(
            """
            interfaces:
              - name: eth0
                role: external
                comment: clients
              - eth1
            socket:
              path: /run/x/x.sock
              group: lvsadm
            logging:
              level: debug
              file: /var/log/lvsd/lvsd.log
            connections:
              table_size: 4096
            neighbors:
              arp_timeout: 5m
            offloads:
              disable: false
            kernel_bypass:
              ingress_drop: false
            services:
              - protocol: UDP
                address: 198.19.0.1
                port: 53
                scheduler: SH
                interface: eth1
                persistence:
                  timeout: 600
                  netmask: 255.255.255.0
                real_servers:
                  - { address: 198.19.1.1, port: 5353, weight: 65535, method: masq }
                  - { address: 198.19.1.1, port: 5354, weight: 0, method: MASQ }
            """,
            "all.yaml");

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Errors));
        var config = result.Configuration;
        Assert.Equal(new InterfaceConfiguration("eth0", "external", "clients"), config.Interfaces[0]);
        Assert.Equal(new InterfaceConfiguration("eth1"), config.Interfaces[1]);
        Assert.Equal("/run/x/x.sock", config.Socket.Path);
        Assert.Equal("lvsadm", config.Socket.Group);
        Assert.Equal(LogLevel.Debug, config.Logging.Level);
        Assert.Equal("/var/log/lvsd/lvsd.log", config.Logging.File);
        Assert.Equal(4096, config.Connections.TableSize);
        Assert.Equal(TimeSpan.FromMinutes(5), config.Neighbors.ArpTimeout);
        Assert.False(config.Offloads.Disable);
        Assert.False(config.KernelBypass.IngressDrop);
        var service = Assert.Single(config.Services);
        Assert.Equal(ServiceProtocol.Udp, service.Protocol);
        Assert.Equal("sh", service.Scheduler);
        Assert.Equal("eth1", service.Interface);
        Assert.Equal(TimeSpan.FromSeconds(600), service.Persistence!.Timeout);
        Assert.Equal(IPAddress.Parse("255.255.255.0"), service.Persistence.Netmask);
        Assert.Equal(ForwardingMethod.Masquerade, service.RealServers[0].Method);
        Assert.Equal(65535, service.RealServers[0].Weight);
        Assert.Equal(ForwardingMethod.Masquerade, service.RealServers[1].Method);
    }

    [Fact]
    public void BrokenFileReportsEveryErrorWithItsPosition()
    {
        const string Text =
            """
            interfaces:
              - eth0
              - name: eth0
            logging:
              level: verbose
            offloads:
              disable: yes
            services:
              - protocol: tcp
                address: 198.18.0.300
                port: 80
                real_servers:
                  - address: 198.18.1.11
                    weight: 70000
                  - address: 198.18.1.12
                    wieght: 2
              - protocol: tcp
                address: 198.18.0.10
                port: 80
              - protocol: tcp
                address: 198.18.0.10
                port: 80
            colour: blue
            """;

        var result = ConfigurationLoader.LoadFromText(Text, "lvsd.yaml");

        Assert.False(result.Succeeded);
        Assert.Null(result.Configuration);
        Assert.Equal(
            [
                (3, 11, "interfaces[1].name"),
                (5, 10, "logging.level"),
                (7, 12, "offloads.disable"),
                (10, 14, "services[0].address"),
                (14, 17, "services[0].real_servers[0].weight"),
                (16, 9, "services[0].real_servers[1].wieght"),
                (20, 5, "services[2]"),
                (23, 1, "colour"),
            ],
            result.Errors.Select(e => (e.Line, e.Column, e.Key)));
        Assert.All(result.Errors, e => Assert.Equal("lvsd.yaml", e.File));
        Assert.Equal(
            "lvsd.yaml:14:17: services[0].real_servers[0].weight: must be between 0 and 65535",
            result.Errors[4].ToString());
        Assert.Contains("did you mean 'weight'", result.Errors[5].Message, StringComparison.Ordinal);
        Assert.Contains("services[1]", result.Errors[6].Message, StringComparison.Ordinal);
    }

    [Theory]
    // Unknown keys, with a suggestion when one is close.
    [InlineData("interfaces: [eth0]\ninterface: [eth1]\n", 2, 1, "interface", "did you mean 'interfaces'")]
    [InlineData("interfaces: [eth0]\nsocket:\n  paht: /run/a.sock\n", 3, 3, "socket.paht", "did you mean 'path'")]
    [InlineData("interfaces: [eth0]\nfrobnicate: 1\n", 2, 1, "frobnicate", "known keys:")]
    // Types.
    [InlineData("interfaces: eth0\n", 1, 13, "interfaces", "must be a list")]
    [InlineData("interfaces: [eth0]\nsocket: /run/a.sock\n", 2, 9, "socket", "must be a mapping")]
    [InlineData("interfaces: [eth0]\nconnections:\n  table_size: lots\n", 3, 15, "connections.table_size", "not an integer")]
    [InlineData("interfaces: [eth0]\nconnections:\n  table_size: '4096'\n", 3, 15, "connections.table_size", "quoted")]
    [InlineData("interfaces: [eth0]\nconnections:\n  table_size: 16\n", 3, 15, "connections.table_size", "between 256 and 16777216")]
    [InlineData("interfaces: [eth0]\noffloads:\n  disable: 1\n", 3, 12, "offloads.disable", "true or false")]
    [InlineData("interfaces: [eth0]\ndata_path:\n  workers: 0\n", 3, 12, "data_path.workers", "between 1 and 256")]
    [InlineData("interfaces: [eth0]\ndata_path:\n  workers: many\n", 3, 12, "data_path.workers", "not an integer")]
    [InlineData("interfaces: [eth0]\ndata_path:\n  cpus: [0, 1024]\n", 3, 13, "data_path.cpus[1]", "between 0 and 1023")]
    [InlineData("interfaces: [eth0]\ndata_path:\n  cpus: 1\n", 3, 9, "data_path.cpus", "must be a list")]
    [InlineData("interfaces: [eth0]\ndata_path:\n  worker: 2\n", 3, 3, "data_path.worker", "did you mean 'workers'")]
    [InlineData("interfaces: [eth0]\nkernel_bypass:\n  ingress_drop: yes\n", 3, 17, "kernel_bypass.ingress_drop", "true or false")]
    [InlineData("interfaces: [eth0]\nkernel_bypass:\n  ingres_drop: true\n", 3, 3, "kernel_bypass.ingres_drop", "did you mean 'ingress_drop'")]
    [InlineData("interfaces: [eth0]\nkernel_bypass: true\n", 2, 16, "kernel_bypass", "must be a mapping of ingress_drop")]
    [InlineData("interfaces: [eth0]\nneighbors:\n  arp_timeout: 0\n", 3, 16, "neighbors.arp_timeout", "between 1s and 86400s")]
    [InlineData("interfaces: [eth0]\nneighbors:\n  arp_timeout: 1d\n", 3, 16, "neighbors.arp_timeout", "must be a duration")]
    [InlineData("interfaces: [eth0]\nlogging:\n  file: lvsd.log\n", 3, 9, "logging.file", "absolute path")]
    [InlineData("interfaces: [eth0]\nsocket:\n  path: run.sock\n", 3, 9, "socket.path", "absolute path")]
    // Interfaces.
    [InlineData("interfaces: []\n", 1, 13, "interfaces", "at least one interface")]
    [InlineData("socket:\n  path: /run/a.sock\n", 1, 1, "interfaces", "is required")]
    [InlineData("interfaces: [eth0, eth0]\n", 1, 20, "interfaces[1]", "already listed")]
    [InlineData("interfaces: [a-very-long-interface-name]\n", 1, 14, "interfaces[0]", "longer than 15")]
    [InlineData("interfaces:\n  - role: external\n", 2, 5, "interfaces[0].name", "is required")]
    // Services: required keys, addresses, ports, names.
    [InlineData("interfaces: [eth0]\nservices:\n  - address: 198.18.0.1\n    port: 80\n", 3, 5, "services[0].protocol", "is required")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: sctp, address: 198.18.0.1, port: 80}\n", 3, 16, "services[0].protocol", "tcp or udp")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0, port: 80}\n", 3, 30, "services[0].address", "not an IPv4 address")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.018.0.1, port: 80}\n", 3, 30, "services[0].address", "not an IPv4 address")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: '::1', port: 80}\n", 3, 30, "services[0].address", "not a global unicast IPv6 address")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 224.0.0.1, port: 80}\n", 3, 30, "services[0].address", "not a unicast")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0.1, port: 0}\n", 3, 48, "services[0].port", "port 0")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0.1, port: 65536}\n", 3, 48, "services[0].port", "between 0 and 65535")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, scheduler: fifo}\n", 3, 63, "services[0].scheduler", "unknown scheduler")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, interface: eth1}\n", 3, 63, "services[0].interface", "not one of the interfaces")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0.1, port: 80, persistence: {netmask: 255.0.255.0}}\n", 3, 75, "services[0].persistence.netmask", "contiguous")]
    [InlineData("interfaces: [eth0]\nservices:\n  - {protocol: tcp, address: 198.18.0.1, port: 80}\n  - {protocol: tcp, address: 198.18.0.1, port: 80}\n", 4, 5, "services[1]", "duplicate of services[0]")]
    // Real servers.
    [InlineData("interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 198.18.0.1\n    port: 80\n    real_servers:\n      - {port: 80, method: masq}\n", 7, 9, "services[0].real_servers[0].address", "is required")]
    [InlineData("interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 198.18.0.1\n    port: 80\n    real_servers:\n      - {address: 198.18.1.1, weight: -1, method: masq}\n", 7, 39, "services[0].real_servers[0].weight", "between 0 and 65535")]
    [InlineData("interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 198.18.0.1\n    port: 80\n    real_servers:\n      - {address: 198.18.1.1, method: dr}\n", 7, 39, "services[0].real_servers[0].method", "unknown method")]
    [InlineData("interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 198.18.0.1\n    port: 80\n    real_servers:\n      - {address: 198.18.1.1, method: masq}\n      - {address: 198.18.1.1, port: 80, method: masq}\n", 8, 9, "services[0].real_servers[1]", "duplicate of real_servers[0]")]
    // Whole-file problems.
    [InlineData("", 1, 1, "interfaces", "empty")]
    [InlineData("interfaces: [eth0\n", 2, 1, "", "YAML syntax error")]
    [InlineData("interfaces: [eth0]\n---\ninterfaces: [eth1]\n", 3, 1, "", "one YAML document")]
    [InlineData("interfaces: [eth0]\ninterfaces: [eth1]\n", 2, 1, "", "Duplicate key")]
    [InlineData("- eth0\n", 1, 1, "", "must be a mapping")]
    public void RuleViolationIsReported(string text, int line, int column, string key, string messagePart)
    {
        var result = ConfigurationLoader.LoadFromText(text, "t.yaml");

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal((line, column, key), (error.Line, error.Column, error.Key));
        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileIsOneFileLevelError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"lvsd-missing-{Guid.NewGuid():N}.yaml");

        var result = ConfigurationLoader.Load(path);

        var error = Assert.Single(result.Errors);
        Assert.Equal((path, 0, 0, ""), (error.File, error.Line, error.Column, error.Key));
        Assert.StartsWith($"{path}: cannot read the file", error.ToString(), StringComparison.Ordinal);
    }
}
