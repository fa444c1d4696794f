using System.Net;
using LvsDirector.Admin.Import;
using LvsDirector.Services;

namespace LvsDirector.Tests.Admin.Import;

public sealed class LdirectordImporterTests
{
    private const string Sample = """
        # Global Directives
        checktimeout=3
        checkinterval=1
        autoreload=yes
        quiescent=yes

        virtual=198.18.0.10:80
        	real=198.18.1.11:8080 masq 3
        	real=198.18.1.12:8080 masq
        	fallback=127.0.0.1:80 gate
        	service=http
        	request="index.html"
        	receive="Test Page"
        	scheduler=rr
        	persistent=600
        	netmask=255.255.255.0
        	protocol=tcp
        	checktype=negotiate

        virtual=198.18.0.53:domain
            real=198.18.1.21->198.18.1.23:53 gate 2
            real=198.18.1.31:53 ipip 0 "probe" "ok"
            protocol=udp

        virtual=5
        	real=198.18.1.41 masq
        	protocol=fwm
        	scheduler=sh
        	persistent=300
        """;

    private static ImportedConfiguration Import(string text) => ImportCommand.Import("ldirectord", text, "ldirectord.cf", null);

    [Fact]
    public void TranslatesVirtualsRealsWeightsMethodsAndPersistence()
    {
        var configuration = ImportTestSupport.Load(LvsdYamlWriter.Write(Import(Sample)));

        Assert.Equal(3, configuration.Services.Count);
        var http = configuration.Services[0];
        Assert.Equal(ServiceProtocol.Tcp, http.Protocol);
        Assert.Equal(IPAddress.Parse("198.18.0.10"), http.Address);
        Assert.Equal(80, http.Port);
        Assert.Equal("rr", http.Scheduler);
        Assert.Equal(TimeSpan.FromSeconds(600), http.Persistence!.Timeout);
        Assert.Equal(IPAddress.Parse("255.255.255.0"), http.Persistence.Netmask);
        Assert.Equal([3, 1], http.RealServers.Select(s => s.Weight));
        Assert.All(http.RealServers, s => Assert.Equal(ForwardingMethod.Masquerade, s.Method));
        Assert.All(http.RealServers, s => Assert.Equal(8080, s.Port));

        var dns = configuration.Services[1];
        Assert.Equal(ServiceProtocol.Udp, dns.Protocol);
        Assert.Equal(53, dns.Port);
        Assert.Equal("wrr", dns.Scheduler); // ldirectord's default, written out
        Assert.Equal(
            ["198.18.1.21", "198.18.1.22", "198.18.1.23", "198.18.1.31"],
            dns.RealServers.Select(s => s.Address.ToString()));
        Assert.Equal([ForwardingMethod.DirectRouting, ForwardingMethod.DirectRouting, ForwardingMethod.DirectRouting, ForwardingMethod.Tunnel], dns.RealServers.Select(s => s.Method));
        Assert.Equal([2, 2, 2, 0], dns.RealServers.Select(s => s.Weight));

        var mark = configuration.Services[2];
        Assert.Equal(5u, mark.Fwmark);
        Assert.Equal("sh", mark.Scheduler);
        Assert.Equal(TimeSpan.FromSeconds(300), mark.Persistence!.Timeout);
    }

    [Fact]
    public void ReportsEveryDirectiveNotCarriedOverWithItsLine()
    {
        var warnings = Import(Sample).OrderedWarnings();

        Assert.Equal([0, 4, 10, 20, 22, 25], warnings.Select(w => w.Line));
        Assert.Equal("ldirectord.cf:4: autoreload=yes not carried over (lvsd reloads its own configuration on SIGHUP)", warnings[1].ToString());
        Assert.StartsWith("ldirectord.cf:10: fallback=127.0.0.1:80 gate not carried over: lvsd forwards to servers on its network", warnings[2].ToString(), StringComparison.Ordinal);
        Assert.Equal("ldirectord.cf:20: service=dns: the negotiate check not carried over (lvsd checks http and https only); written as a ping check instead", warnings[3].ToString());
        Assert.Equal("ldirectord.cf:22: real: the per-server check request/receive \"probe\", \"ok\" not carried over (only a negotiate http or https check uses it)", warnings[4].ToString());
        Assert.StartsWith("fwmark 5: the iptables/nft rule", warnings[5].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheSamplesChecksAreCarriedOver()
    {
        var imported = Import(Sample);

        Assert.Equal(
            new ImportedHealthCheck { Type = "http", Interval = TimeSpan.FromSeconds(1), Timeout = TimeSpan.FromSeconds(3), Fall = 1, InitialDown = true, Path = "/index.html", Expect = "Test Page" },
            imported.Services[0].RealServers[0].HealthCheck);
        Assert.Null(imported.Services[0].SorryServer);
        Assert.All(imported.Services[1].RealServers, s => Assert.Equal("ping", s.HealthCheck!.Type));
        Assert.All(imported.Services[2].RealServers, s => Assert.Equal("none", s.HealthCheck!.Type));
    }

    [Theory]
    [InlineData("virtual=198.18.0.10:80\n\treal=198.18.1.300:80 gate\n", 2, "not an IPv4 address")]
    [InlineData("virtual=198.18.0.10:80\n\treal=198.18.1.11:80 bridge\n", 2, "is not gate, masq or ipip")]
    [InlineData("virtual=www.example.org:80\n", 1, "not an IPv4 address")]
    [InlineData("virtual=198.18.0.10:gopherish\n", 1, "neither a port number")]
    [InlineData("\treal=198.18.1.11:80 gate\n", 1, "outside a virtual= section")]
    [InlineData("virtual=198.18.0.10:80\n\tthis line is wrong\n", 2, "expected KEY=VALUE")]
    [InlineData("virtual=198.18.0.10:80\n\tscheduler=fastest\n", 2, "unknown scheduler")]
    [InlineData("virtual=198.18.0.10:80\n\tprotocol=fwm\n", 2, "protocol=fwm needs virtual=MARK")]
    [InlineData("virtual=198.18.0.10:80\n\tnetmask=255.0.255.0\n", 2, "not a contiguous netmask")]
    public void MalformedInputIsAnErrorWithItsLine(string text, int line, string message)
    {
        var error = Assert.Throws<ImportParseException>(() => Import(text));

        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
