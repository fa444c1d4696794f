using System.Net;
using LvsDirector.Admin.Import;
using LvsDirector.Services;

namespace LvsDirector.Tests.Admin.Import;

public sealed class Ipv6ImportTests
{
    [Fact]
    public void Keepalived_ipv6_virtual_and_real_servers_are_carried_over()
    {
        const string text = """
            virtual_server 2001:db8::1 443 {
                lb_algo sh
                lb_kind NAT
                persistence_timeout 600
                persistence_granularity 64
                real_server 2001:db8:1::11 8443 {
                    weight 2
                }
                real_server 198.18.1.11 8443
            }
            virtual_server fwmark 9 {
                ip_family inet6
                lb_kind DR
                real_server 2001:db8:1::12 0
            }
            """;
        var imported = ImportCommand.Import("keepalived", text, "keepalived.conf", null);
        var yaml = LvsdYamlWriter.Write(imported);

        Assert.Contains(imported.Warnings, w => w.Line == 9 && w.Message.Contains("do not mix", StringComparison.Ordinal));
        Assert.Contains("    address: '2001:db8::1'\n", yaml, StringComparison.Ordinal);
        Assert.Contains("      prefix_length: 64\n", yaml, StringComparison.Ordinal);
        Assert.Contains("    family: ipv6\n", yaml, StringComparison.Ordinal);

        var configuration = ImportTestSupport.Load(ImportTestSupport.FillMarkPlaceholders(yaml, "2001:db8::100/128"));
        var web = configuration.Services[0];
        Assert.Equal(new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 443), web.Key);
        Assert.Equal(64, web.Persistence!.PrefixLength);
        var server = Assert.Single(web.RealServers);
        Assert.Equal((IPAddress.Parse("2001:db8:1::11"), (ushort)8443, 2), (server.Address, server.Port, server.Weight));
        Assert.Equal(ServiceKey.ForFwmark(9, ipv6: true), configuration.Services[1].Key);
    }

    [Fact]
    public void Keepalived_ipv6_ranges_are_refused_with_a_reason()
    {
        var error = Assert.Throws<ImportParseException>(() => ImportCommand.Import("keepalived",
            "virtual_server_group g {\n  2001:db8::1-9 80\n}\nvirtual_server group g {\n}\n", "keepalived.conf", null));

        Assert.Contains("IPv6 range", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ldirectord_bracketed_ipv6_virtual_and_real_servers_are_carried_over()
    {
        const string text = """
            virtual=[2001:db8::1]:80
                real=[2001:db8:1::11]:8080 masq 3
                real=[2001:db8:1::12]:8080 masq
                real=198.18.1.11:8080 masq
                scheduler=wrr
                persistent=300
                netmask=48
            """;
        var imported = ImportCommand.Import("ldirectord", text, "ldirectord.cf", null);

        Assert.Contains(imported.Warnings, w => w.Line == 4 && w.Message.Contains("do not mix", StringComparison.Ordinal));
        var service = Assert.Single(ImportTestSupport.Load(LvsdYamlWriter.Write(imported)).Services);
        Assert.Equal(new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 80), service.Key);
        Assert.Equal(48, service.Persistence!.PrefixLength);
        Assert.Equal([IPAddress.Parse("2001:db8:1::11"), IPAddress.Parse("2001:db8:1::12")], service.RealServers.Select(s => s.Address));
        Assert.Equal([3, 1], service.RealServers.Select(s => s.Weight));
    }
}
