using System.Net;
using LvsDirector.Admin.Import;
using LvsDirector.Services;

namespace LvsDirector.Tests.Admin.Import;

public sealed class KeepalivedImporterTests
{
    // Line numbers matter: the tests check where each directive is reported.
    private const string Sample = """
        ! Configuration File for keepalived
        global_defs {
            router_id LVS_A
        }
        vrrp_instance VI_1 {
            state MASTER
            interface eth0
            virtual_ipaddress {
                198.18.0.10
            }
        }
        virtual_server 198.18.0.10 80 {        # line 12
            delay_loop 6
            lb_algo wrr
            lb_kind NAT
            persistence_timeout 300
            persistence_granularity 255.255.255.0
            protocol TCP
            sorry_server 198.18.1.99 80
            real_server 198.18.1.11 8080 {     # line 20
                weight 3
                uthreshold 100
                lthreshold 50
                HTTP_GET {
                    url {
                        path /
                        digest 9b3a0c85a887a256d6939da88aabd8cd
                    }
                    connect_timeout 3
                }
            }
            real_server 198.18.1.12 8080 {
                weight 0
                TCP_CHECK { connect_timeout 3 }
            }
        }
        virtual_server 198.18.0.53 53 {        # line 37
            lvs_sched sh
            lvs_method DR
            protocol UDP
            ops
            sh-port
            real_server 198.18.1.21 53 { weight 2 }
            real_server 198.18.1.22 53
            {
                weight 4
                lvs_method TUN type gue port 6080
            }
        }
        """;

    private static ImportedConfiguration Import(string text) => ImportCommand.Import("keepalived", text, "keepalived.conf", null);

    [Fact]
    public void TranslatesServicesServersWeightsMethodsAndPersistence()
    {
        var imported = Import(Sample);
        var yaml = LvsdYamlWriter.Write(imported);
        var configuration = ImportTestSupport.Load(yaml);

        Assert.Equal("eth0", Assert.Single(configuration.Interfaces).Name);
        Assert.Equal(2, configuration.Services.Count);

        var http = configuration.Services[0];
        Assert.Equal(ServiceProtocol.Tcp, http.Protocol);
        Assert.Equal(IPAddress.Parse("198.18.0.10"), http.Address);
        Assert.Equal(80, http.Port);
        Assert.Equal("wrr", http.Scheduler);
        Assert.NotNull(http.Persistence);
        Assert.Equal(TimeSpan.FromSeconds(300), http.Persistence.Timeout);
        Assert.Equal(IPAddress.Parse("255.255.255.0"), http.Persistence.Netmask);
        Assert.Equal(2, http.RealServers.Count);
        Assert.Equal(IPAddress.Parse("198.18.1.11"), http.RealServers[0].Address);
        Assert.Equal(8080, http.RealServers[0].Port);
        Assert.Equal(3, http.RealServers[0].Weight);
        Assert.Equal(ForwardingMethod.Masquerade, http.RealServers[0].Method);
        Assert.Equal(100u, http.RealServers[0].UpperThreshold);
        Assert.Equal(50u, http.RealServers[0].LowerThreshold);
        Assert.Equal(0, http.RealServers[1].Weight);

        var dns = configuration.Services[1];
        Assert.Equal(ServiceProtocol.Udp, dns.Protocol);
        Assert.Equal("sh", dns.Scheduler);
        Assert.True(dns.OnePacket);
        Assert.NotEqual(LvsDirector.Scheduling.SchedulerFlags.None, dns.SchedulerFlags);
        Assert.Null(dns.Persistence);
        Assert.Equal(ForwardingMethod.DirectRouting, dns.RealServers[0].Method);
        Assert.Equal(2, dns.RealServers[0].Weight);
        Assert.Equal(ForwardingMethod.Tunnel, dns.RealServers[1].Method);
        Assert.Equal(4, dns.RealServers[1].Weight);
        Assert.Equal(6080, dns.RealServers[1].TunnelPort);
        Assert.Equal(TunnelType.Gue, dns.RealServers[1].TunnelType);
    }

    [Fact]
    public void ReportsEveryDirectiveNotCarriedOverWithItsLine()
    {
        var warnings = Import(Sample).OrderedWarnings().Select(w => w.ToString()).ToList();

        Assert.Equal(
            [
                "keepalived.conf: interfaces cannot be derived from a keepalived configuration; the output lists 'eth0' as a placeholder: set the capture interfaces before use",
                "keepalived.conf:2: global_defs { … } block not carried over (keepalived's global settings have no lvsd equivalent)",
                "keepalived.conf:5: vrrp_instance VI_1 { … } block not carried over (VRRP is not part of lvsd yet)",
            ],
            warnings);
    }

    [Fact]
    public void ChecksAndTheSorryServerOfTheSampleAreCarriedOver()
    {
        var yaml = LvsdYamlWriter.Write(Import(Sample));

        Assert.Contains("    sorry_server:\n      address: 198.18.1.99\n      port: 80\n      method: masq\n    real_servers:\n", yaml, StringComparison.Ordinal);
        Assert.Contains(", upper_threshold: 100, lower_threshold: 50, health_check: { type: http, retry_interval: 3s, timeout: 3s, fall: 2, path: \"/\", digest: 9b3a0c85a887a256d6939da88aabd8cd } }\n", yaml, StringComparison.Ordinal);
        Assert.Contains("      - { address: 198.18.1.12, port: 8080, weight: 0, method: masq, health_check: { type: tcp, timeout: 3s, fall: 2 } }\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void GroupsExpandRangesIntoOneServicePerAddressAndPort()
    {
        const string text = """
            virtual_server_group farm {
                198.18.0.20-22 443
                198.18.0.30-198.18.0.31 8443
                fwmark 9
            }
            virtual_server group farm {
                lb_algo rr
                lb_kind DR
                persistence_timeout 60
                real_server 198.18.1.31 443 { weight 5 }
            }
            """;
        var imported = Import(text);
        var configuration = ImportTestSupport.Load(LvsdYamlWriter.Write(imported));

        Assert.Equal(
            ["198.18.0.20:443", "198.18.0.21:443", "198.18.0.22:443", "198.18.0.30:8443", "198.18.0.31:8443", "fwmark 9"],
            configuration.Services.Select(s => s.Fwmark != 0 ? $"fwmark {s.Fwmark}" : $"{s.Address}:{s.Port}"));
        Assert.All(configuration.Services, s =>
        {
            Assert.Equal("rr", s.Scheduler);
            Assert.Equal(TimeSpan.FromSeconds(60), s.Persistence!.Timeout);
            Assert.Equal(ForwardingMethod.DirectRouting, Assert.Single(s.RealServers).Method);
        });
        Assert.Contains(imported.Warnings, w => w.Line == 4 && w.Message.Contains("fwmark 9", StringComparison.Ordinal) && w.Message.Contains("by hand", StringComparison.Ordinal));

        // DR keeps the destination port: 443 is dropped, and said once although three services differ from it.
        Assert.Single(imported.Warnings, w => w.Line == 10 && w.Message.Contains("the port is not carried over", StringComparison.Ordinal));
        Assert.All(configuration.Services, s => Assert.Equal(s.Port, s.RealServers[0].Port));
    }

    [Fact]
    public void FwmarkServiceGetsACommentedPlaceholderRuleAndAWarning()
    {
        const string text = """
            virtual_server fwmark 7 {
                lb_algo lc
                lb_kind NAT
                real_server 198.18.1.41 {
                    weight 2
                }
            }
            """;
        var imported = Import(text);
        var yaml = LvsdYamlWriter.Write(imported);

        Assert.Contains("  # - { mark: 7, protocol: any, destination: VIP/32 }", yaml, StringComparison.Ordinal);
        Assert.Contains(imported.Warnings, w => w.Line == 1 && w.Message.StartsWith("fwmark 7: the iptables/nft rule", StringComparison.Ordinal));

        // As written (placeholder still commented) lvsd refuses the service: the operator cannot miss the step.
        var unedited = LvsDirector.Configuration.ConfigurationLoader.LoadFromText(yaml, "imported.yaml");
        Assert.False(unedited.Succeeded);

        var service = Assert.Single(ImportTestSupport.Load(yaml).Services);
        Assert.Equal(7u, service.Fwmark);
        Assert.Equal("lc", service.Scheduler);
        var server = Assert.Single(service.RealServers);
        Assert.Equal(0, server.Port);
        Assert.Equal(2, server.Weight);
        Assert.Equal(ForwardingMethod.Masquerade, server.Method);
    }

    [Fact]
    public void IncludedFilesAreReadAndReportedUnderTheirOwnName()
    {
        var directory = Directory.CreateTempSubdirectory("lvsd-import-");
        try
        {
            File.WriteAllText(Path.Combine(directory.FullName, "web.conf"), """
                virtual_server 198.18.0.10 80 {
                    lb_algo rr
                    real_server 198.18.1.11 80 {
                        MISC_CHECK {
                            misc_path /bin/true
                            misc_dynamic
                        }
                    }
                }
                """);
            var imported = ImportCommand.Import("keepalived", "include conf.d/../web.conf\ninclude missing/*.conf\n", "keepalived.conf", directory.FullName);

            var service = Assert.Single(ImportTestSupport.Load(LvsdYamlWriter.Write(imported)).Services);
            Assert.Equal("rr", service.Scheduler);
            Assert.Contains(imported.Warnings, w => w.File.EndsWith("web.conf", StringComparison.Ordinal) && w.Line == 6 && w.Message.StartsWith("MISC_CHECK: misc_dynamic", StringComparison.Ordinal));
            Assert.Equal("/bin/true", service.RealServers[0].Port == 80 ? imported.Services[0].RealServers[0].HealthCheck!.Command : null);
            Assert.Contains(imported.Warnings, w => w.File == "keepalived.conf" && w.Line == 2 && w.Message.Contains("no file matched", StringComparison.Ordinal));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void UnsupportedButHarmlessDetailsAreWarnedNotDropped()
    {
        const string text = """
            virtual_server 198.18.0.10 80 {
                lvs_sched rr
                ops
                hashed
                mh-port
                frobnicate yes
                real_server 198.18.1.11 80 {
                    notify_up /bin/true
                    lthreshold 5
                }
            }
            virtual_server 2001:db8::1 80 {
                real_server 2001:db8::2 80
            }
            virtual_server 198.18.0.11 80 {
                protocol SCTP
            }
            """;
        var imported = Import(text);
        var lines = imported.OrderedWarnings().Where(w => w.Line > 0).Select(w => w.Line).ToList();

        Assert.Equal([3, 4, 5, 6, 8, 9, 15], lines);
        Assert.Equal(2, ImportTestSupport.Load(LvsdYamlWriter.Write(imported)).Services.Count); // the IPv6 one included
    }

    [Theory]
    [InlineData("virtual_server 198.18.0.10 80 {\n  real_server 198.18.1.11 80 {\n    weight 1\n}\n", 1, "never closed")]
    [InlineData("virtual_server 198.18.0.10 80 {\n}\n}\n", 3, "without a matching '{'")]
    [InlineData("virtual_server 198.18.0.300 80 {\n}\n", 1, "'198.18.0.300' is not an IPv4 address")]
    [InlineData("virtual_server 198.18.0.10 80 {\n  real_server 198.18.1 80\n}\n", 2, "not an IPv4 address")]
    [InlineData("virtual_server 198.18.0.10 80 {\n  lb_algo fastest\n}\n", 2, "unknown scheduler 'fastest'")]
    [InlineData("virtual_server 198.18.0.10 80 {\n  lb_kind BRIDGE\n}\n", 2, "is not NAT, DR or TUN")]
    [InlineData("virtual_server 198.18.0.10 99999 {\n}\n", 1, "out of range")]
    [InlineData("virtual_server group nope {\n}\n", 1, "no virtual_server_group nope")]
    [InlineData("virtual_server_group g {\n  198.18.0.20-10 80\n}\nvirtual_server group g {\n}\n", 2, "ends before it starts")]
    [InlineData("virtual_server 198.18.0.10 80 {\n  real_server 198.18.1.11 80 {\n    weight heavy\n  }\n}\n", 3, "not a whole number")]
    [InlineData("virtual_server 198.18.0.10 80 {\n  protocol \"TCP\n}\n", 2, "unterminated")]
    public void MalformedInputIsAnErrorWithItsLine(string text, int line, string message)
    {
        var error = Assert.Throws<ImportParseException>(() => Import(text));

        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"keepalived.conf:{line}: ", error.ErrorText, StringComparison.Ordinal);
    }
}
