using LvsDirector.Admin.Import;
using static LvsDirector.Tests.Admin.Import.ImportTestSupport;

namespace LvsDirector.Tests.Admin.Import;

/// <summary>
/// ldirectord checks and fallback servers in the health_check / sorry_server YAML. The YAML text is compared, and
/// loaded through lvsd's loader.
/// </summary>
public sealed class LdirectordHealthCheckImportTests
{
    private const string Placeholder =
        "ldirectord.cf: interfaces cannot be derived from a ldirectord configuration; the output lists 'eth0' as a placeholder: set the capture interfaces before use";

    // Every import must also load through lvsd's own loader, health checks and sorry servers included.
    private static ImportedConfiguration Import(string text)
    {
        var imported = ImportCommand.Import("ldirectord", text, "ldirectord.cf", null);
        Load(LvsdYamlWriter.Write(imported));
        return imported;
    }

    private static ImportedHealthCheck? Check(string virtualLines, string globals = "") =>
        Assert.Single(Import($"{globals}virtual=198.18.0.10:80\n\treal=198.18.1.11:80 masq\n{virtualLines}").Services).RealServers[0].HealthCheck;

    [Fact]
    public void NegotiateHttpWithGlobalDefaultsAndAFallback()
    {
        var imported = Import("""
            checktimeout=3
            negotiatetimeout=20
            checkinterval=5
            failurecount=3
            quiescent=yes
            fallback=198.18.1.99:8080 masq
            virtual=198.18.0.10:80
            	real=198.18.1.11:8080 masq 3
            	real=198.18.1.12:8080 masq
            	request="health.html"
            	receive="Test Page"
            	virtualhost="www.example.com"
            	httpmethod=GET
            """);

        // No checktype: ldirectord negotiates, and port 80 means service=http. A negotiate check waits
        // negotiatetimeout; there is no faster retry, and a server enters the table once a check has passed.
        Assert.Equal("""
            services:
              # ldirectord.cf:7
              - protocol: tcp
                address: 198.18.0.10
                port: 80
                scheduler: wrr
                health_check:
                  type: http
                  interval: 5s
                  retry_interval: 5s
                  timeout: 20s
                  initial: down
                  path: "/health.html"
                  host: "www.example.com"
                  expect: "Test Page"
                sorry_server:
                  address: 198.18.1.99
                  port: 8080
                  method: masq
                real_servers:
                  - { address: 198.18.1.11, port: 8080, weight: 3, method: masq }
                  - { address: 198.18.1.12, port: 8080, weight: 1, method: masq }

            """.Replace("\r", string.Empty, StringComparison.Ordinal), ServicesYaml(imported));
        Assert.Equal([Placeholder], Warnings(imported));
    }

    [Theory]
    [InlineData("\tchecktype=connect\n", "tcp")]
    [InlineData("\tchecktype=ping\n", "ping")]
    [InlineData("\tchecktype=on\n", "none")]
    [InlineData("\tchecktype=negotiate\n\tservice=https\n", "https")]
    [InlineData("\tchecktype=negotiate\n\tservice=none\n", "none")]
    [InlineData("\tchecktype=external\n\tcheckcommand=\"/usr/local/bin/check it\"\n", "exec")]
    [InlineData("", "http")]
    public void CheckTypesMapWithoutNotes(string lines, string type)
    {
        var imported = Import($"virtual=198.18.0.10:80\n\treal=198.18.1.11:80 masq\n{lines}");

        Assert.Equal(type, imported.Services[0].RealServers[0].HealthCheck!.Type);
        Assert.Equal([Placeholder], Warnings(imported));
    }

    [Fact]
    public void ExternalCheckGetsTheVirtualsPartOfLdirectordsArguments()
    {
        Assert.Equal("\"/usr/local/bin/check it\" 198.18.0.10 80 %a %p", Check("\tchecktype=external\n\tcheckcommand=\"/usr/local/bin/check it\"\n")!.Command);
        Assert.Equal("/bin/true 198.18.0.10 80 %a %p", Check("\tchecktype=external\n")!.Command);
    }

    [Theory]
    [InlineData("\tchecktype=off\n", 3, "none", "checktype=off: ldirectord activates neither the real nor the fallback servers")]
    [InlineData("\tchecktype=external-perl\n\tcheckcommand=/x.pl\n", 3, "exec", "checktype=external-perl: lvsd runs the checkcommand as a program")]
    [InlineData("\tchecktype=5\n", 3, "http", "checktype=5 (5 connect checks, then one negotiate check) not carried over as such")]
    [InlineData("\tchecktype=negotiate\n\tservice=ftp\n", 4, "tcp", "service=ftp: the negotiate check not carried over (lvsd checks http and https only); written as a tcp connect check instead")]
    [InlineData("\tservice=mysql\n", 3, "tcp", "service=mysql: the negotiate check not carried over")]
    [InlineData("\tchecktype=connect\n\trequest=\"/x\"\n", 4, "tcp", "request=/x not carried over (the check written for this virtual does not use it)")]
    [InlineData("\thttpmethod=HEAD\n", 3, "http", "httpmethod=HEAD not carried over (lvsd's HTTP check sends GET)")]
    [InlineData("\treceive=\"OK.*\"\n", 3, "http", "receive=\"OK.*\" is a regular expression for ldirectord; lvsd's expect is plain text")]
    [InlineData("\tchecktype=connect\n\tcheckcount=3\n", 4, "tcp", "checkcount=3 not carried over (deprecated in ldirectord")]
    [InlineData("\tconnecttimeout=3\n", 3, "http", "connecttimeout=3 not carried over (ldirectord itself refuses it")]
    [InlineData("\tchecktype=connect\n\tlogin=\"x\"\n", 4, "tcp", "login=x not carried over (only negotiate checks of services lvsd does not check")]
    [InlineData("\tquiescent=no\n", 3, "http", "quiescent=no not carried over (lvsd keeps a down server in the table at weight 0")]
    public void ChecksLvsdCannotRunAsWrittenAreNoted(string lines, int line, string type, string note)
    {
        var imported = Import($"virtual=198.18.0.10:80\n\treal=198.18.1.11:80 masq\n{lines}");

        Assert.Equal(type, imported.Services[0].RealServers[0].HealthCheck!.Type);
        Assert.Contains(imported.Warnings, w => w.Line == line && w.Message.StartsWith(note, StringComparison.Ordinal));
    }

    [Fact]
    public void UdpServicesAreCheckedByPingWhereLdirectordConnectsOrNegotiatesDns()
    {
        var imported = Import("virtual=198.18.0.53:53\n\treal=198.18.1.21:53 gate\nvirtual=198.18.0.54:5353\n\treal=198.18.1.22:5353 gate\n\tprotocol=udp\n\tchecktype=connect\n");

        Assert.Equal(["udp", "udp"], imported.Services.Select(s => s.Protocol)); // ldirectord's default for port 53
        Assert.Equal(["ping", "ping"], imported.Services.Select(s => s.RealServers[0].HealthCheck!.Type));
        Assert.Contains(imported.Warnings, w => w.Line == 1 && w.Message.StartsWith("service=dns: the negotiate check not carried over", StringComparison.Ordinal) && w.Message.EndsWith("written as a ping check instead", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "\tchecktype=connect\n", 5, 10, 1)]
    [InlineData("checktimeout=7\nfailurecount=4\ncheckinterval=2\n", "\tchecktype=connect\n", 7, 2, 4)]
    [InlineData("negotiatetimeout=9\n", "\tchecktype=connect\n", 9, 10, 1)]
    [InlineData("checktimeout=7\n", "\tchecktype=connect\n\tnegotiatetimeout=4\n", 4, 10, 1)]
    [InlineData("checktimeout=7\n", "", 7, 10, 1)]
    [InlineData("", "", 30, 10, 1)]
    [InlineData("negotiatetimeout=8\n", "\tchecktimeout=2\n", 2, 10, 1)]
    [InlineData("fork=yes\ncheckinterval=2\n", "\tcheckinterval=3\n\tfailurecount=2\n", 30, 3, 2)]
    public void TimeoutsIntervalAndFailureCountFollowLdirectordsPrecedence(string globals, string lines, int timeout, int interval, int fall)
    {
        var check = Check(lines, globals)!;

        Assert.Equal(TimeSpan.FromSeconds(timeout), check.Timeout ?? TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(interval), check.Interval ?? TimeSpan.FromSeconds(6));
        Assert.Equal(check.Interval, check.RetryInterval);
        Assert.Equal(fall, check.Fall ?? 3);
        Assert.True(check.InitialDown);
    }

    [Fact]
    public void AFwmarkVirtualsHttpCheckUsesTheWellKnownPortLikeLdirectord()
    {
        var imported = Import("virtual=4\n\treal=198.18.1.11 masq\n\tservice=http\n\tchecktype=negotiate\nvirtual=5\n\treal=198.18.1.12 masq\n\tchecktype=connect\n");

        Assert.Equal(80, imported.Services[0].RealServers[0].HealthCheck!.Port);
        Assert.Contains(imported.Warnings, w => w.Line == 6 && w.Message.Contains("its tcp check not carried over: it has no port to connect to", StringComparison.Ordinal));
    }

    [Fact]
    public void AVirtualsCheckintervalWithoutForkIsNotedAndTheGlobalOneUsed()
    {
        var imported = Import("checkinterval=4\nvirtual=198.18.0.10:80\n\treal=198.18.1.11:80 masq\n\tcheckinterval=30\n");

        Assert.Equal(TimeSpan.FromSeconds(4), imported.Services[0].RealServers[0].HealthCheck!.Interval);
        Assert.Contains("ldirectord.cf:4: checkinterval=30 not carried over (ldirectord ignores it in a virtual section unless fork=yes); the global checkinterval is used", Warnings(imported));
    }

    [Fact]
    public void PerRealRequestReceivePairsGivePerServerChecks()
    {
        var imported = Import("""
            virtual=198.18.0.10:443
            	real=198.18.1.21:443 gate 2 "/ready", "ready"
            	real=198.18.1.22:443 gate 2 "http://elsewhere/x", "y"
            	real=198.18.1.23:443 gate
            	service=https
            	request="/status"
            	checkport=8443
            virtual=198.18.0.11:22
            	real=198.18.1.31:22 masq 1 "a", "b"
            	checktype=connect
            """);

        var services = ServicesYaml(imported);
        Assert.Contains("      - { address: 198.18.1.21, weight: 2, method: route, health_check: { type: https, interval: 10s, retry_interval: 10s, timeout: 30s, fall: 1, initial: down, port: 8443, path: \"/ready\", expect: \"ready\" } }\n", services, StringComparison.Ordinal);
        Assert.Contains("      - { address: 198.18.1.23, weight: 1, method: route, health_check: { type: https, interval: 10s, retry_interval: 10s, timeout: 30s, fall: 1, initial: down, port: 8443, path: \"/status\" } }\n", services, StringComparison.Ordinal);
        Assert.Equal("/status", imported.Services[0].RealServers[1].HealthCheck!.Path);
        Assert.Contains("ldirectord.cf:3: real: the per-server request \"http://elsewhere/x\" not carried over (lvsd checks the real server itself, not another URL); the virtual's request is used", Warnings(imported));
        Assert.Contains("ldirectord.cf:9: real: the per-server check request/receive \"a\", \"b\" not carried over (only a negotiate http or https check uses it)", Warnings(imported));
    }

    [Fact]
    public void FallbackIsInheritedOverriddenAndFittedToTheService()
    {
        var imported = Import("""
            fallback=127.0.0.1:80
            virtual=198.18.0.10:80
            	real=198.18.1.11:80 gate
            virtual=198.18.0.11:80
            	real=198.18.1.12:80 gate
            	fallback=198.18.1.99:8080 gate
            virtual=198.18.0.12:80
            	real=198.18.1.13:8080 masq
            	fallback=198.18.1.98 ipip
            """);

        Assert.Equal(
            [null, ("198.18.1.99", 0, "route"), ("198.18.1.98", 0, "tunnel")],
            imported.Services.Select(s => s.SorryServer is { } sorry ? (sorry.Address, sorry.Port, sorry.Method) : ((string, int, string)?)null));
        Assert.Contains("    sorry_server:\n      address: 198.18.1.98\n      method: tunnel\n", ServicesYaml(imported), StringComparison.Ordinal);
        Assert.Equal(
            [
                Placeholder,
                "ldirectord.cf:1: fallback=127.0.0.1:80 not carried over: lvsd forwards to servers on its network, not to itself; add a sorry_server that is reachable",
                "ldirectord.cf:6: fallback 198.18.1.99 port 8080: the port is not carried over (with route forwarding the packet keeps its destination port)",
            ],
            Warnings(imported));
    }

    [Theory]
    [InlineData("virtual=198.18.0.10:80\n\tchecktype=sometimes\n", 2, "checktype=sometimes: expected connect")]
    [InlineData("virtual=198.18.0.10:80\n\tfallback=198.18.1.99:80 bridge\n", 2, "is not gate, masq or ipip")]
    [InlineData("virtual=198.18.0.10:80\n\tchecktimeout=0\n", 2, "out of range")]
    [InlineData("failurecount=many\nvirtual=198.18.0.10:80\n", 1, "not a whole number")]
    [InlineData("virtual=198.18.0.10:80\n\tchecktype=connect\n\tcheckport=70000\n", 3, "out of range")]
    public void MalformedCheckSettingsAreErrorsWithTheirLine(string text, int line, string message)
    {
        var error = Assert.Throws<ImportParseException>(() => Import(text));

        Assert.Equal(line, error.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
