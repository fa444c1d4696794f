using LvsDirector.Admin.Import;
using static LvsDirector.Tests.Admin.Import.ImportTestSupport;

namespace LvsDirector.Tests.Admin.Import;

/// <summary>
/// keepalived checkers and sorry servers in the health_check / sorry_server YAML. The YAML text is compared, and
/// loaded through lvsd's loader.
/// </summary>
public sealed class KeepalivedHealthCheckImportTests
{
    private const string Placeholder =
        "keepalived.conf: interfaces cannot be derived from a keepalived configuration; the output lists 'eth0' as a placeholder: set the capture interfaces before use";

    // Every import must also load through lvsd's own loader, health checks and sorry servers included.
    private static ImportedConfiguration Import(string text)
    {
        var imported = ImportCommand.Import("keepalived", text, "keepalived.conf", null);
        Load(LvsdYamlWriter.Write(imported));
        return imported;
    }

    [Fact]
    public void SharedTcpCheckGoesToTheServiceWithKeepalivedDefaultsWrittenOut()
    {
        var imported = Import("""
            virtual_server 198.18.0.10 80 {
                lb_algo rr
                real_server 198.18.1.11 80 {
                    TCP_CHECK {
                    }
                }
                real_server 198.18.1.12 80 {
                    TCP_CHECK {
                    }
                }
            }
            """);

        // delay_loop defaults to 60s and retry to 1 (down at the second failure); connect_timeout 5s and
        // delay_before_retry 1s equal lvsd's defaults and are left out.
        Assert.Equal("""
            services:
              # keepalived.conf:1
              - protocol: tcp
                address: 198.18.0.10
                port: 80
                scheduler: rr
                health_check:
                  type: tcp
                  interval: 60s
                  fall: 2
                real_servers:
                  - { address: 198.18.1.11, port: 80, weight: 1, method: masq }
                  - { address: 198.18.1.12, port: 80, weight: 1, method: masq }

            """.Replace("\r", string.Empty, StringComparison.Ordinal), ServicesYaml(imported));
        Assert.Equal([Placeholder], Warnings(imported));
    }

    [Theory]
    [InlineData("retry 0", "TCP_CHECK", 1)]
    [InlineData("", "TCP_CHECK", 2)]
    [InlineData("retry 2", "TCP_CHECK", 3)]
    [InlineData("nb_get_retry 4", "HTTP_GET", 5)]
    [InlineData("", "MISC_CHECK", 1)]
    [InlineData("retry 2", "MISC_CHECK", 3)]
    [InlineData("", "PING_CHECK", 2)]
    public void RetryCountsTheChecksAfterTheFirstFailureSoFallIsRetryPlusOne(string retry, string checker, int fall)
    {
        var body = checker == "MISC_CHECK" ? "misc_path /bin/true" : string.Empty;
        var imported = Import($"virtual_server 198.18.0.10 80 {{\n  real_server 198.18.1.11 80 {{\n    {checker} {{\n      {retry}\n      {body}\n    }}\n  }}\n}}\n");

        var check = Assert.Single(imported.Services).RealServers[0].HealthCheck;
        Assert.NotNull(check);
        Assert.Equal(fall == 3 ? null : fall, check.Fall); // 3 is lvsd's default and not written
        Assert.Equal([Placeholder], Warnings(imported));
    }

    [Fact]
    public void FallAboveLvsdsLimitIsCappedAndSaid()
    {
        var imported = Import("virtual_server 198.18.0.10 80 {\n  real_server 198.18.1.11 80 {\n    TCP_CHECK {\n      retry 500\n    }\n  }\n}\n");

        Assert.Equal(100, imported.Services[0].RealServers[0].HealthCheck!.Fall);
        Assert.Contains("keepalived.conf:3: TCP_CHECK: retry 500 means 501 failures before down; lvsd's fall stops at 100, which is written", Warnings(imported));
    }

    [Fact]
    public void HttpAndSslCheckersInheritTimingsAndReportWhatTheyCannotCarry()
    {
        var imported = Import("""
            virtual_server 198.18.0.10 80 {
                delay_loop 3
                connect_timeout 2
                virtualhost vs.example.com
                inhibit_on_failure
                real_server 198.18.1.11 80 {
                    retry 3
                    delay_before_retry 1
                    alpha yes
                    HTTP_GET {
                        connect_port 8080
                        url {
                            path /healthz?full=1
                            status_code 200-204 301
                            digest 9B3A0C85A887A256D6939DA88AABD8CD
                            regex "ok"
                        }
                        url {
                            path /second
                        }
                        http_protocol 1.1
                        bindto 198.18.0.5
                        warmup 5
                    }
                }
                real_server 198.18.1.12 80 {
                    SSL_GET {
                        url {
                            path /
                            virtualhost "rs two"
                        }
                        connect_timeout 0.0005
                    }
                    smtp_alert yes
                }
            }
            """);

        Assert.Equal("""
            services:
              # keepalived.conf:1
              - protocol: tcp
                address: 198.18.0.10
                port: 80
                real_servers:
                  - { address: 198.18.1.11, port: 80, weight: 1, method: masq, health_check: { type: http, interval: 3s, timeout: 2s, fall: 4, initial: down, port: 8080, path: "/healthz?full=1", host: "vs.example.com", status: [200, 201, 202, 203, 204, 301], digest: 9b3a0c85a887a256d6939da88aabd8cd } }
                  - { address: 198.18.1.12, port: 80, weight: 1, method: masq, health_check: { type: https, interval: 3s, retry_interval: 3s, timeout: 100ms, fall: 2, path: "/" } }

            """.Replace("\r", string.Empty, StringComparison.Ordinal), ServicesYaml(imported));
        Assert.Equal(
            [
                Placeholder,
                "keepalived.conf:16: HTTP_GET url: regex ok not carried over (lvsd's HTTP check matches no regular expressions; expect: takes a plain text the body must contain)",
                "keepalived.conf:18: HTTP_GET: url { … } block not carried over (lvsd's check requests one URL; the first, line 12, is carried over)",
                "keepalived.conf:21: HTTP_GET: http_protocol 1.1 not carried over (lvsd's HTTP check has no such option)",
                "keepalived.conf:22: HTTP_GET: bindto 198.18.0.5 not carried over (lvsd chooses the source address and port of its checks)",
                "keepalived.conf:23: HTTP_GET: warmup 5 not carried over (lvsd has no random delay before the first check)",
                "keepalived.conf:26: real server 198.18.1.12 of TCP 198.18.0.10:80: Host header \"rs two\" not carried over (lvsd sends a host name, optionally with :port)",
                "keepalived.conf:26: real server 198.18.1.12 of TCP 198.18.0.10:80: check timeout 1ms is outside lvsd's 100ms..3600s; 100ms is written",
                "keepalived.conf:32: connect_timeout 0.0005: rounded up to whole milliseconds (1ms), lvsd's resolution",
                "keepalived.conf:34: real_server 198.18.1.12: smtp_alert yes not carried over (lvsd sends no mail; it logs every up/down transition)",
            ],
            Warnings(imported));
    }

    [Fact]
    public void MiscPingAndUnsupportedCheckersAreCarriedOrReported()
    {
        var imported = Import("""
            virtual_server 198.18.0.53 53 {
                protocol UDP
                delay_loop 20
                real_server 198.18.1.21 53 {
                    MISC_CHECK {
                        misc_path "/usr/local/bin/check_dns 198.18.1.21"
                        misc_timeout 4
                        misc_dynamic
                        user nobody
                    }
                }
                real_server 198.18.1.22 53 {
                    DNS_CHECK {
                        name example.com
                    }
                    PING_CHECK {
                        connect_timeout 1
                    }
                }
                real_server 198.18.1.23 53 {
                    UDP_CHECK {
                    }
                }
            }
            virtual_server 198.18.0.25 25 {
                delay_loop 10
                real_server 198.18.1.31 25 {
                    SMTP_CHECK {
                    }
                }
            }
            """);

        Assert.Equal("""
            services:
              # keepalived.conf:1
              - protocol: udp
                address: 198.18.0.53
                port: 53
                real_servers:
                  - { address: 198.18.1.21, port: 53, weight: 1, method: masq, health_check: { type: exec, interval: 20s, timeout: 4s, fall: 1, command: "/usr/local/bin/check_dns 198.18.1.21" } }
                  - { address: 198.18.1.22, port: 53, weight: 1, method: masq, health_check: { type: ping, interval: 20s, timeout: 1s, fall: 2 } }
                  - { address: 198.18.1.23, port: 53, weight: 1, method: masq }

              # keepalived.conf:25
              - protocol: tcp
                address: 198.18.0.25
                port: 25
                real_servers:
                  - { address: 198.18.1.31, port: 25, weight: 1, method: masq }

            """.Replace("\r", string.Empty, StringComparison.Ordinal), ServicesYaml(imported));
        Assert.Equal(
            [
                Placeholder,
                "keepalived.conf:8: MISC_CHECK: misc_dynamic not carried over (a check cannot set the weight in lvsd)",
                "keepalived.conf:9: MISC_CHECK: user nobody not carried over (lvsd has no setting for the user a check command runs as)",
                "keepalived.conf:13: DNS_CHECK health check not carried over (lvsd has no DNS check); only the PING_CHECK check (line 16) is carried over, keepalived wanted both to pass",
                "keepalived.conf:21: UDP_CHECK health check not carried over (lvsd has no UDP check); this real server is not health-checked (always up)",
                "keepalived.conf:26: virtual_server: delay_loop 10 not carried over (no health check lvsd runs here uses it)",
                "keepalived.conf:28: SMTP_CHECK health check not carried over (lvsd has no SMTP check); this real server is not health-checked (always up)",
            ],
            Warnings(imported));
    }

    [Fact]
    public void SorryServerIsCarriedWithItsMethodAndQuorumIsReported()
    {
        var imported = Import("""
            virtual_server 198.18.0.10 80 {
                lb_kind NAT
                sorry_server 198.18.1.99 8080
                sorry_server_inhibit
                quorum 2
                hysteresis 1
                quorum_up /bin/true
                real_server 198.18.1.11 80 {
                    TCP_CHECK {
                    }
                }
            }
            virtual_server 198.18.0.11 80 {
                lb_kind NAT
                sorry_server 198.18.1.98 8080
                sorry_server_lvs_method DR
                real_server 198.18.1.12 80
            }
            virtual_server 198.18.0.12 80 {
                sorry_server 2001:db8::99 80
                real_server 198.18.1.13 80
            }
            """);
        var services = ServicesYaml(imported);

        Assert.Contains("""
                health_check:
                  type: tcp
                  interval: 60s
                  fall: 2
                sorry_server:
                  address: 198.18.1.99
                  port: 8080
                  method: masq
                real_servers:

            """.Replace("\r", string.Empty, StringComparison.Ordinal), services, StringComparison.Ordinal);
        Assert.Contains("    sorry_server:\n      address: 198.18.1.98\n      method: route\n    real_servers:\n", services, StringComparison.Ordinal);
        Assert.Equal(2, services.Split("sorry_server:").Length - 1); // the IPv6 one is left out
        Assert.Equal(
            [
                Placeholder,
                "keepalived.conf:4: sorry_server_inhibit not carried over (lvsd adds the sorry server only while it is in use and removes it afterwards)",
                "keepalived.conf:5: quorum 2 not carried over (lvsd switches to the sorry server only when every real server is down, as keepalived's default quorum 1 does)",
                "keepalived.conf:6: hysteresis 1 not carried over (lvsd has no quorum, so no hysteresis either)",
                "keepalived.conf:7: quorum_up /bin/true not carried over (lvsd runs no scripts on quorum changes; it logs them)",
                "keepalived.conf:15: sorry_server 198.18.1.98 port 8080: the port is not carried over (with route forwarding the packet keeps its destination port)",
                "keepalived.conf:20: sorry_server 2001:db8::99 of TCP 198.18.0.12:80 not carried over (IPv4 and IPv6 do not mix in lvsd)",
            ],
            Warnings(imported));
    }

    [Fact]
    public void ACheckKeepsThePortADirectRoutedServerLoses()
    {
        var imported = Import("""
            virtual_server 198.18.0.10 80 {
                lb_kind DR
                delay_loop 6
                real_server 198.18.1.11 8080 {
                    TCP_CHECK {
                    }
                }
                real_server 198.18.1.12 80 {
                    TCP_CHECK {
                    }
                }
            }
            """);

        var servers = imported.Services[0].RealServers;
        Assert.Equal([0, 0], servers.Select(s => s.Port));
        Assert.Equal([8080, 0], servers.Select(s => s.HealthCheck!.Port));
        Assert.Contains("      - { address: 198.18.1.11, weight: 1, method: route, health_check: { type: tcp, fall: 2, port: 8080 } }\n", ServicesYaml(imported), StringComparison.Ordinal);
    }

    [Fact]
    public void AFwmarkServersCheckWithoutAnyPortIsNoted()
    {
        var imported = Import("virtual_server fwmark 5 {\n  real_server 198.18.1.11 {\n    TCP_CHECK {\n    }\n  }\n  real_server 198.18.1.12 {\n    TCP_CHECK {\n      connect_port 80\n    }\n  }\n}\n");

        Assert.Contains("keepalived.conf:2: real server 198.18.1.11 of fwmark 5: its tcp check not carried over: it has no port to connect to (no server port, no check port); add a health_check with port:", Warnings(imported));
        Assert.Null(imported.Services[0].RealServers[0].HealthCheck);
        Assert.DoesNotContain(imported.Warnings, w => w.Line == 6);
    }

    [Theory]
    [InlineData("delay_loop 1.5", "      interval: 1500ms\n")]
    [InlineData("delay_loop 120", "      interval: 120s\n")]
    [InlineData("delay_before_retry 0.25", "      retry_interval: 250ms\n")]
    [InlineData("alpha", "      initial: down\n")]
    public void TimersUseTheConfigurationsDurationSyntax(string setting, string expected)
    {
        var yaml = LvsdYamlWriter.Write(Import($"virtual_server 198.18.0.10 80 {{\n  {setting}\n  real_server 198.18.1.11 80 {{\n    TCP_CHECK {{\n    }}\n  }}\n}}\n"));

        Assert.Contains(expected, yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("    TCP_CHECK {\n      connect_timeout soon\n    }\n", 4, "not a number of seconds")]
    [InlineData("    HTTP_GET {\n      url {\n        digest 12345\n      }\n    }\n", 5, "not an MD5 digest")]
    [InlineData("    HTTP_GET {\n      url {\n        status_code 200-150\n      }\n    }\n", 5, "out of range")]
    [InlineData("    TCP_CHECK {\n      alpha maybe\n    }\n", 4, "is not yes/no")]
    public void MalformedCheckValuesAreErrorsWithTheirLine(string checker, int line, string message)
    {
        var error = Assert.Throws<ImportParseException>(() => Import($"virtual_server 198.18.0.10 80 {{\n  real_server 198.18.1.11 80 {{\n{checker}  }}\n}}\n"));

        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextsAreDoubleQuotedWithEscapes()
    {
        Assert.Equal("\"/a \\\"b\\\" \\\\ c\\n\"", LvsdYamlWriter.Quote("/a \"b\" \\ c\n"));
        Assert.Equal("1500ms", LvsdYamlWriter.Duration(TimeSpan.FromMilliseconds(1500)));
        Assert.Equal("6s", LvsdYamlWriter.Duration(TimeSpan.FromSeconds(6)));
    }
}
