using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using LvsDirector.Health;

namespace LvsDirector.Tests.Health;

public sealed class CheckerTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private static HealthCheckTarget Target(ushort port, HealthCheckSettings settings) => new(IPAddress.Loopback, port, settings);

    private static async Task<HealthCheckResult> Run(IHealthChecker checker, HealthCheckTarget target)
    {
        using var timeout = new CancellationTokenSource(Generous);
        return await checker.CheckAsync(target, timeout.Token);
    }

    private static ushort ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = (ushort)((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task Tcp_passes_on_a_listener_and_fails_on_a_closed_port()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var open = (ushort)((IPEndPoint)listener.LocalEndpoint).Port;
        var settings = new HealthCheckSettings(HealthCheckType.Tcp);

        var pass = await Run(new TcpHealthChecker(), Target(open, settings));
        var fail = await Run(new TcpHealthChecker(), Target(ClosedPort(), settings));

        Assert.True(pass.Passed, pass.Reason);
        Assert.False(fail.Passed);
        Assert.Contains("connection refused", fail.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_sends_path_and_host_and_accepts_2xx()
    {
        await using var server = new LocalHttpServer(200, "all good");
        var settings = new HealthCheckSettings(HealthCheckType.Http) { Path = "/healthz", Host = "www.example.com", Expect = "good" };

        var result = await Run(new HttpHealthChecker(), Target(server.Port, settings));

        Assert.True(result.Passed, result.Reason);
        Assert.StartsWith("GET /healthz HTTP/1.1\r\n", server.LastRequest, StringComparison.Ordinal);
        Assert.Contains("\r\nHost: www.example.com\r\n", server.LastRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_default_host_is_the_address_and_port()
    {
        await using var server = new LocalHttpServer(204, string.Empty);
        var result = await Run(new HttpHealthChecker(), Target(server.Port, new HealthCheckSettings(HealthCheckType.Http)));

        Assert.True(result.Passed, result.Reason);
        Assert.Contains($"\r\nHost: 127.0.0.1:{server.Port}\r\n", server.LastRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_fails_on_a_404_and_on_a_status_outside_the_list()
    {
        await using var server = new LocalHttpServer(404, "no");
        var result = await Run(new HttpHealthChecker(), Target(server.Port, new HealthCheckSettings(HealthCheckType.Http) { Path = "/healthz" }));
        Assert.False(result.Passed);
        Assert.Equal($"HTTP 404 from GET http://127.0.0.1:{server.Port}/healthz", result.Reason);

        server.Status = 200;
        var listed = await Run(new HttpHealthChecker(), Target(server.Port, new HealthCheckSettings(HealthCheckType.Http) { StatusCodes = [204] }));
        Assert.False(listed.Passed);

        server.Status = 503;
        var accepted = await Run(new HttpHealthChecker(), Target(server.Port, new HealthCheckSettings(HealthCheckType.Http) { StatusCodes = [200, 503] }));
        Assert.True(accepted.Passed, accepted.Reason);
    }

    [Fact]
    public async Task Http_checks_expect_and_digest_of_a_chunked_body()
    {
        const string Body = "service is healthy";
        await using var server = new LocalHttpServer(200, Body, chunked: true);
#pragma warning disable CA5351
        var digest = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(Body)));
#pragma warning restore CA5351

        var good = await Run(new HttpHealthChecker(), Target(server.Port, new HealthCheckSettings(HealthCheckType.Http) { Digest = digest, Expect = "healthy" }));
        var wrongDigest = await Run(new HttpHealthChecker(), Target(server.Port, new HealthCheckSettings(HealthCheckType.Http) { Digest = new string('0', 32) }));
        var missing = await Run(new HttpHealthChecker(), Target(server.Port, new HealthCheckSettings(HealthCheckType.Http) { Expect = "OK" }));

        Assert.True(good.Passed, good.Reason);
        Assert.False(wrongDigest.Passed);
        Assert.Contains(digest, wrongDigest.Reason, StringComparison.Ordinal);
        Assert.False(missing.Passed);
    }

    [Fact]
    public async Task Https_accepts_a_self_signed_certificate()
    {
        await using var server = new LocalHttpServer(200, "tls ok", tls: true);
        var result = await Run(new HttpsHealthChecker(), Target(server.Port, new HealthCheckSettings(HealthCheckType.Https) { Expect = "tls ok" }));

        Assert.True(result.Passed, result.Reason);
        Assert.StartsWith("HTTP 200 from GET https://", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_fails_on_a_closed_port()
    {
        var result = await Run(new HttpHealthChecker(), Target(ClosedPort(), new HealthCheckSettings(HealthCheckType.Http)));
        Assert.False(result.Passed);
        Assert.Contains("connection refused", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_passes_on_exit_0_substitutes_and_fails_otherwise()
    {
        var pass = await Run(new ExecHealthChecker(), Target(8080, new HealthCheckSettings(HealthCheckType.Exec) { Command = ["/bin/true"] }));
        var fail = await Run(new ExecHealthChecker(), Target(8080, new HealthCheckSettings(HealthCheckType.Exec) { Command = ["/bin/false"] }));
        var echoed = await Run(new ExecHealthChecker(), Target(8080, new HealthCheckSettings(HealthCheckType.Exec) { Command = ["/bin/sh", "-c", "echo $0 >&2; exit 3", "%a:%p"] }));
        var missing = await Run(new ExecHealthChecker(), Target(8080, new HealthCheckSettings(HealthCheckType.Exec) { Command = ["/nonexistent/check"] }));

        Assert.True(pass.Passed, pass.Reason);
        Assert.False(fail.Passed);
        Assert.Equal("exec /bin/false exited with 1", fail.Reason);
        Assert.False(echoed.Passed);
        Assert.EndsWith("exited with 3: 127.0.0.1:8080", echoed.Reason, StringComparison.Ordinal);
        Assert.False(missing.Passed);
    }

    [Fact]
    public async Task Exec_is_killed_at_the_timeout()
    {
        var settings = new HealthCheckSettings(HealthCheckType.Exec) { Command = ["/bin/sleep", "30"], Timeout = TimeSpan.FromMilliseconds(300) };
        var target = Target(8080, settings);
        var observer = new RecordingObserver();
        var monitor = new HealthMonitor(target, new ExecHealthChecker(), TimeProvider.System, TimeSpan.Zero, observer);
        var started = DateTime.UtcNow;

        var result = await monitor.CheckOnceAsync(CancellationToken.None);

        Assert.False(result.Passed);
        Assert.Equal("exec /bin/sleep 30 timed out after 300 ms", result.Reason);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        await monitor.DisposeAsync();
    }

    [Fact]
    public async Task Ping_answers_on_loopback()
    {
        var result = await Run(new PingHealthChecker(), Target(0, new HealthCheckSettings(HealthCheckType.Ping) { Timeout = TimeSpan.FromSeconds(2) }));
        Assert.True(result.Passed, result.Reason);
    }

    [Fact]
    public async Task Ipv6_servers_are_checked_and_named_in_brackets()
    {
        using var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
        listener.Start();
        var port = (ushort)((IPEndPoint)listener.LocalEndpoint).Port;
        var target = new HealthCheckTarget(IPAddress.IPv6Loopback, port, new HealthCheckSettings(HealthCheckType.Tcp));

        var result = await Run(new TcpHealthChecker(), target);

        Assert.True(result.Passed, result.Reason);
        Assert.Equal($"connected to [::1]:{port}", result.Reason);
        var http = new HealthCheckTarget(IPAddress.Parse("2001:db8::11"), 8080, new HealthCheckSettings(HealthCheckType.Http));
        Assert.Equal("[2001:db8::11]:8080", new HttpHealthChecker().HostHeader(http));
        Assert.Equal("[2001:db8::11]", new HttpsHealthChecker().HostHeader(http with { Port = 443 }));
    }

    [Fact]
    public void Response_parser_rejects_garbage_and_truncation()
    {
        Assert.Null(HttpResponse.Parse([], out var empty));
        Assert.Equal("empty reply", empty);
        Assert.Null(HttpResponse.Parse("SSH-2.0-OpenSSH\r\n\r\n"u8, out _));
        Assert.Null(HttpResponse.Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"u8, out _));
        Assert.Null(HttpResponse.Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"u8, out _));
        var ok = HttpResponse.Parse("HTTP/1.0 302 Found\r\n\r\nmoved"u8, out _);
        Assert.Equal(302, ok!.StatusCode);
        Assert.Equal("moved"u8.ToArray(), ok.Body);
    }
}
