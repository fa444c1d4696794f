using System.Net;
using LvsDirector.Configuration;
using LvsDirector.Health;
using LvsDirector.Services;
using LvsDirector.Tests.Statistics;

namespace LvsDirector.Tests.Configuration;

public sealed class HealthCheckConfigurationTests
{
    private static readonly ServiceKey Web = new(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.10"), 80);

    private const string Sample =
        """
        interfaces: [eth0]
        services:
          - protocol: tcp
            address: 198.18.0.10
            port: 80
            health_check:
              type: http
              interval: 2s
              retry_interval: 500ms
              timeout: 3
              fall: 2
              rise: 3
              initial: down
              port: 8081
              path: /healthz
              host: www.example.com
              status: [200, 204]
              expect: OK
              digest: 9B3A0C85A887A256D6939DA88AABD8CD
            sorry_server:
              address: 198.18.1.99
              port: 8080
              method: masq
            real_servers:
              - address: 198.18.1.11
                port: 8080
                method: masq
                health_check: { type: tcp, port: 22 }
              - address: 198.18.1.12
                port: 8080
                method: masq
                health_check: { type: none }
              - address: 198.18.1.13
                port: 8080
                method: masq
              - address: 198.18.1.14
                port: 8080
                method: masq
                health_check: { type: exec, command: "/usr/local/bin/check-rs \"%a port\" %p" }
        """;

    private static DirectorConfiguration Load(string text)
    {
        var result = ConfigurationLoader.LoadFromText(text, "health.yaml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.Configuration;
    }

    /// <summary>TCP 198.18.0.10:80 with <paramref name="keys"/> (indented by four spaces) added to it.</summary>
    private static VirtualServiceConfiguration LoadWeb(string keys) =>
        Assert.Single(Load($"interfaces: [eth0]\nservices:\n  - protocol: tcp\n    address: 198.18.0.10\n    port: 80\n{keys}\n").Services);

    private static IReadOnlyList<ConfigurationError> Errors(string healthCheck, string extra = "")
    {
        var result = ConfigurationLoader.LoadFromText(
            $"""
            interfaces: [eth0]
            services:
              - protocol: tcp
                address: 198.18.0.10
                port: 80
                health_check: {healthCheck}
            {extra}
                real_servers:
                  - {"{"} address: 198.18.1.11, port: 8080, method: masq {"}"}
            """,
            "health.yaml");
        Assert.False(result.Succeeded);
        return result.Errors;
    }

    [Fact]
    public void Every_key_is_read_and_server_blocks_replace_the_service_block()
    {
        var service = Assert.Single(Load(Sample).Services);
        var http = service.HealthCheck!;
        Assert.Equal(HealthCheckType.Http, http.Type);
        Assert.Equal(TimeSpan.FromSeconds(2), http.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), http.RetryInterval);
        Assert.Equal(TimeSpan.FromSeconds(3), http.Timeout);
        Assert.Equal((2, 3, false, (ushort)8081), (http.Fall, http.Rise, http.InitiallyUp, http.Port));
        Assert.Equal(("/healthz", "www.example.com", "OK", "9b3a0c85a887a256d6939da88aabd8cd"), (http.Path, http.Host, http.Expect, http.Digest));
        Assert.Equal([200, 204], http.StatusCodes);

        Assert.Equal(new HealthCheckSettings(HealthCheckType.Tcp) { Port = 22 }, service.RealServers[0].HealthCheck);
        Assert.Null(service.RealServers[1].HealthCheck);
        Assert.Equal(http, service.RealServers[2].HealthCheck);
        Assert.Equal(["/usr/local/bin/check-rs", "%a port", "%p"], service.RealServers[3].HealthCheck!.Command);
        Assert.Equal(new RealServerConfiguration(IPAddress.Parse("198.18.1.99"), 8080, 1, ForwardingMethod.Masquerade), service.SorryServer);
    }

    [Fact]
    public void Defaults_follow_the_schema()
    {
        var service = LoadWeb(
            """
                health_check: { type: tcp }
                real_servers:
                  - { address: 198.18.1.11, method: masq }
            """);
        var check = service.RealServers[0].HealthCheck!;
        Assert.Equal(new HealthCheckSettings(HealthCheckType.Tcp), check);
        Assert.Equal((TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 3, 1, true),
            (check.Interval, check.RetryInterval, check.Timeout, check.Fall, check.Rise, check.InitiallyUp));
        Assert.Equal((ushort)80, check.PortFor(80, 80));
        Assert.Null(service.SorryServer);
    }

    [Fact]
    public void Errors_name_file_line_column_and_key_and_are_all_collected()
    {
        var errors = Errors("{ type: http, fall: 0, rise: 101, interval: 6x, initial: maybe, path: healthz, digest: abc, command: /bin/true }");

        Assert.Equal(
            ["services[0].health_check.fall", "services[0].health_check.rise", "services[0].health_check.interval", "services[0].health_check.initial",
             "services[0].health_check.path", "services[0].health_check.digest", "services[0].health_check.command"],
            errors.Select(e => e.Key));
        Assert.All(errors, e => Assert.Equal(("health.yaml", 6), (e.File, e.Line)));
        Assert.StartsWith("health.yaml:6:", errors[0].ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ interval: 1s }", "services[0].health_check.type", "is required")]
    [InlineData("{ type: smtp }", "services[0].health_check.type", "unknown health check type 'smtp'")]
    [InlineData("{ type: tcp, path: / }", "services[0].health_check.path", "only applies to type: http or https")]
    [InlineData("{ type: ping, port: 80 }", "services[0].health_check.port", "does not apply to type: ping")]
    [InlineData("{ type: exec }", "services[0].health_check.command", "is required with type: exec")]
    [InlineData("{ type: exec, command: check-rs }", "services[0].health_check.command", "absolute path")]
    [InlineData("{ type: exec, command: '/bin/x \"a' }", "services[0].health_check.command", "unterminated")]
    [InlineData("{ type: none, fall: 2 }", "services[0].health_check.fall", "does not apply to type: none")]
    [InlineData("{ type: tcp, colour: red }", "services[0].health_check.colour", "unknown key")]
    [InlineData("{ type: http, status: [700] }", "services[0].health_check.status[0]", "between 100 and 599")]
    public void Bad_blocks_are_refused(string block, string key, string message)
    {
        var error = Assert.Single(Errors(block));
        Assert.Equal(key, error.Key);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    sorry_server: { address: 198.18.1.11, port: 8080, method: masq }", "is also a real server")]
    [InlineData("    sorry_server: { address: '2001:db8::9', method: masq }", "address families do not mix")]
    [InlineData("    sorry_server: { address: 198.18.1.99, port: 8080 }", "must equal the service port")]
    [InlineData("    sorry_server: { address: 198.18.1.99, method: nat }", "unknown method 'nat'")]
    public void Bad_sorry_servers_are_refused(string sorry, string message)
    {
        var error = Assert.Single(Errors("{ type: tcp }", sorry));
        Assert.StartsWith("services[0].sorry_server", error.Key, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_server_without_a_port_needs_a_check_port()
    {
        var result = ConfigurationLoader.LoadFromText(
            """
            interfaces: [eth0]
            firewall_marks:
              - { mark: 1, protocol: tcp, destination: 198.18.0.10, ports: [80, 443] }
            services:
              - fwmark: 1
                persistence: {}
                health_check: { type: http }
                real_servers:
                  - { address: 198.18.1.11, method: masq }
                  - { address: 198.18.1.12, method: masq, health_check: { type: tcp, port: 80 } }
                  - { address: 198.18.1.13, method: masq, health_check: { type: ping } }
            """,
            "health.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal("services[0].real_servers[0].health_check.port", error.Key);
        Assert.Contains("no port of its own", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sorry_server_methods_take_keepalived_and_ldirectord_spellings()
    {
        var service = LoadWeb("    sorry_server: { address: 198.18.1.99, method: gatewaying }");
        Assert.Equal(new RealServerConfiguration(IPAddress.Parse("198.18.1.99"), 80, 1, ForwardingMethod.DirectRouting), service.SorryServer);
    }

    [Fact]
    public void Applying_starts_initially_down_servers_down_and_uses_the_sorry_server()
    {
        var configuration = Load(Sample);
        var table = new ServiceTable();
        Assert.Empty(ConfigurationApplier.ApplyServices(configuration, table));

        var servers = table.Current.Services[0].Servers;
        Assert.False(servers[0].IsDown);
        Assert.False(servers[1].IsDown);
        Assert.True(servers[2].IsDown);
        Assert.DoesNotContain(servers, s => s.IsSorryServer);

        var checks = ConfigurationApplier.HealthChecks(configuration);
        Assert.Equal(4, checks.Count);
        Assert.Equal((ushort)22, checks[0].Target!.Port);
        Assert.Null(checks[1].Target);
        Assert.Equal((ushort)8081, checks[2].Target!.Port);
        Assert.Equal(Web, checks[2].Service);
    }

    [Fact]
    public void Reload_sets_changes_and_removes_the_sorry_server_and_keeps_health()
    {
        var configuration = Load(Sample);
        var table = new ServiceTable();
        ConfigurationApplier.ApplyServices(configuration, table);
        var reconciler = new ConfigurationReconciler(table, configuration, new ManualTimeProvider());
        foreach (var s in table.Current.Services[0].Servers.ToList())
        {
            table.SetServerHealth(Web, s.IPAddress, s.Port, up: false, out _);
        }

        var sorry = Assert.Single(table.Current.Services[0].Servers, s => s.IsSorryServer);
        Assert.Equal(IPAddress.Parse("198.18.1.99"), sorry.IPAddress);

        var moved = reconciler.Apply(Load(Sample.Replace("address: 198.18.1.99", "address: 198.18.1.98", StringComparison.Ordinal)));
        Assert.True(moved.Applied, string.Join("\n", moved.Errors));
        Assert.Contains("sorry server of service TCP 198.18.0.10:80 set to 198.18.1.98:8080", moved.Changes);
        Assert.Equal(IPAddress.Parse("198.18.1.98"), Assert.Single(table.Current.Services[0].Servers, s => s.IsSorryServer).IPAddress);
        Assert.True(sorry.IsRemoved);
        Assert.All(table.Current.Services[0].Servers.Where(s => !s.IsSorryServer), s => Assert.True(s.IsDown));

        var weights = reconciler.Apply(Load(Sample.Replace("      - address: 198.18.1.13\n        port: 8080\n", "      - address: 198.18.1.13\n        port: 8080\n        weight: 5\n", StringComparison.Ordinal)
            .Replace("    sorry_server:\n      address: 198.18.1.99\n      port: 8080\n      method: masq\n", string.Empty, StringComparison.Ordinal)));
        Assert.True(weights.Applied, string.Join("\n", weights.Errors));
        var third = table.Current.Services[0].Servers.Single(s => s.IPAddress.Equals(IPAddress.Parse("198.18.1.13")));
        Assert.Equal((0, 5, true), (third.Weight, third.ConfiguredWeight, third.IsDown));
        Assert.DoesNotContain(table.Current.Services[0].Servers, s => s.IsSorryServer);
    }
}
