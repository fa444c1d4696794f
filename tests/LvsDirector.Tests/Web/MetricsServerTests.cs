using System.Net;
using System.Text.Json;
using LvsDirector.Configuration;
using LvsDirector.Daemon;
using LvsDirector.Daemon.Web;
using Microsoft.Extensions.DependencyInjection;

namespace LvsDirector.Tests.Web;

public class MetricsServerTests
{
    private const string HttpLabels = "protocol=\"tcp\",vip=\"198.18.0.100\",port=\"80\",fwmark=\"0\"";

    [Fact]
    public async Task Scrape_lists_services_real_servers_and_counters_in_the_text_format()
    {
        await using var bed = await WebTestBed.StartAsync();
        Assert.Equal(IPAddress.Loopback, bed.Server.BoundEndpoint!.Address);
        Assert.NotEqual(0, bed.Server.BoundEndpoint.Port);

        using var response = await bed.Client.GetAsync(new Uri("metrics", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n');

        Assert.Contains("# TYPE lvsd_service_connections_total counter", lines);
        Assert.Contains("# TYPE lvsd_real_server_active_connections gauge", lines);
        Assert.Contains(lines, l => l.StartsWith("# HELP lvsd_drops_total ", StringComparison.Ordinal));
        Assert.Contains($"lvsd_service_connections_total{{{HttpLabels}}} 2", lines);
        Assert.Contains($"lvsd_service_packets_total{{{HttpLabels},direction=\"in\"}} 2", lines);
        Assert.Contains($"lvsd_service_packets_total{{{HttpLabels},direction=\"out\"}} 1", lines);
        Assert.Contains($"lvsd_service_bytes_total{{{HttpLabels},direction=\"in\"}} 160", lines);
        Assert.Contains($"lvsd_service_rate_pps{{{HttpLabels},direction=\"in\"}} 0", lines);
        Assert.Contains("lvsd_service_connections_total{protocol=\"fwm\",vip=\"\",port=\"0\",fwmark=\"7\"} 0", lines);

        var first = $"{HttpLabels},server=\"198.19.0.11\",server_port=\"8080\"";
        var second = $"{HttpLabels},server=\"198.19.0.12\",server_port=\"8080\"";
        Assert.Contains($"lvsd_real_server_active_connections{{{first}}} 4", lines);
        Assert.Contains($"lvsd_real_server_inactive_connections{{{first}}} 2", lines);
        Assert.Contains($"lvsd_real_server_weight{{{first}}} 3", lines);
        Assert.Contains($"lvsd_real_server_up{{{first}}} 1", lines);
        Assert.Contains($"lvsd_real_server_up{{{second}}} 0", lines);
        Assert.Contains($"lvsd_real_server_connections_total{{{first}}} 1", lines);
        Assert.Contains($"lvsd_real_server_bytes_total{{{first},direction=\"in\"}} 100", lines);

        Assert.Contains("lvsd_datapath_frames_total{result=\"received\"} 1234", lines);
        Assert.Contains("lvsd_worker_frames_total{worker=\"0\",result=\"received\"} 1000", lines);
        Assert.Contains("lvsd_worker_frames_total{worker=\"1\",result=\"received\"} 234", lines);
        Assert.Contains("lvsd_worker_frames_total{worker=\"1\",result=\"forwarded\"} 200", lines);
        Assert.Contains("lvsd_worker_ring_drops_total{worker=\"1\",interface=\"eth0\"} 0", lines);
        Assert.Contains(lines, l => l.StartsWith("lvsd_dotnet_gc_collections_total{generation=\"2\"} ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("lvsd_dotnet_allocated_bytes_total{process=\"lvsd\"} ", StringComparison.Ordinal));
        Assert.Contains("lvsd_drops_total{reason=\"no_service\"} 5", lines);
        Assert.Contains("lvsd_datapath_events_total{event=\"arp_replies_sent\"} 9", lines);

        // Every family is announced once, before its samples, and every sample line is "name{labels} integer".
        var types = lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]).ToList();
        Assert.Equal(types.Count, types.Distinct().Count());
        foreach (var sample in lines.Where(l => l.Length > 0 && l[0] != '#'))
        {
            var name = sample[..sample.IndexOf('{', StringComparison.Ordinal)];
            Assert.Contains(name, types);
            Assert.Matches("^lvsd_[a-z_]+\\{[^}]*\\} [0-9]+$", sample);
        }
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        var text = new System.Text.StringBuilder();
        PrometheusExporter.AppendLabelValue(text, "a\\b\"c\nd");
        Assert.Equal("a\\\\b\\\"c\\nd", text.ToString());

        text.Clear();
        PrometheusExporter.WriteCounters(text, [new("drop_we\"ird", 3)]);
        Assert.Contains("lvsd_drops_total{reason=\"we\\\"ird\"} 3\n", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_json_returns_the_table()
    {
        await using var bed = await WebTestBed.StartAsync();
        using var response = await bed.Client.GetAsync(new Uri("status.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var services = json.RootElement.GetProperty("services");
        Assert.Equal(2, services.GetArrayLength());
        var http = services.EnumerateArray().Single(s => s.GetProperty("port").GetInt32() == 80);
        Assert.Equal("TCP 198.18.0.100:80", http.GetProperty("name").GetString());
        Assert.Equal("wrr", http.GetProperty("scheduler").GetString());
        Assert.Equal(4, http.GetProperty("active_connections").GetInt32());
        var servers = http.GetProperty("servers").EnumerateArray().ToList();
        Assert.Equal(2, servers.Count);
        var first = servers.Single(r => r.GetProperty("address").GetString() == "198.19.0.11");
        Assert.Equal(8080, first.GetProperty("port").GetInt32());
        Assert.Equal("masq", first.GetProperty("method").GetString());
        Assert.Equal(3, first.GetProperty("weight").GetInt32());
        Assert.Equal("up", first.GetProperty("health").GetString());
        Assert.Equal(2, first.GetProperty("inactive_connections").GetInt32());
        Assert.Equal(0UL, first.GetProperty("cps").GetUInt64());
        Assert.Equal("quiescent", servers.Single(r => r.GetProperty("weight").GetInt32() == 0).GetProperty("health").GetString());

        // Each packet worker's own counters (the bed runs two).
        var workers = json.RootElement.GetProperty("workers").EnumerateArray().ToList();
        Assert.Equal([0, 1], workers.Select(w => w.GetProperty("worker").GetInt32()));
        Assert.Equal(1000, workers[0].GetProperty("received").GetInt64());
        Assert.Equal(234, workers[1].GetProperty("received").GetInt64());
        Assert.Equal(200, workers[1].GetProperty("forwarded").GetInt64());
        Assert.Equal(JsonValueKind.Null, workers[0].GetProperty("cpu").ValueKind);
        Assert.Equal(0, workers[1].GetProperty("ring_drops").GetInt64());
        var mark = services.EnumerateArray().Single(s => s.GetProperty("fwmark").GetUInt32() == 7);
        Assert.Equal("route", mark.GetProperty("servers")[0].GetProperty("method").GetString());
    }

    [Fact]
    public async Task Status_page_is_self_contained_html_with_the_table_and_the_refresh_script()
    {
        await using var bed = await WebTestBed.StartAsync();
        foreach (var path in new[] { "", "status" })
        {
            using var response = await bed.Client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
            var html = await response.Content.ReadAsStringAsync();
            Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
            Assert.Contains("<table id=\"status\">", html, StringComparison.Ordinal);
            Assert.Contains("<th>ActiveConn</th><th>InActConn</th>", html, StringComparison.Ordinal);
            Assert.Contains("<tbody id=\"rows\">", html, StringComparison.Ordinal);
            Assert.Contains("fetch(\"/status.json\"", html, StringComparison.Ordinal);
            Assert.Contains("setInterval(refresh, 2000)", html, StringComparison.Ordinal);
            Assert.Contains("\"name\":\"TCP 198.18.0.100:80\"", html, StringComparison.Ordinal); // embedded first table
            Assert.DoesNotContain("{{INITIAL_JSON}}", html, StringComparison.Ordinal);
            Assert.DoesNotMatch("(src|href)=\"(https?:)?//", html); // nothing loaded from elsewhere
        }
    }

    [Fact]
    public void Embedded_json_cannot_close_the_script_element()
    {
        var document = new StatusDocument("</script><b>", DateTimeOffset.UnixEpoch, 1, []);
        var html = StatusPage.Render(document);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<script type=\"application/json\""));
        Assert.DoesNotContain("</script><b>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_status_page_only_the_metrics_path_answers()
    {
        await using var bed = await WebTestBed.StartAsync(statusPage: false, path: "/prom");
        Assert.Equal(HttpStatusCode.NotFound, (await bed.Client.GetAsync(new Uri("", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bed.Client.GetAsync(new Uri("status.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bed.Client.GetAsync(new Uri("metrics", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bed.Client.GetAsync(new Uri("prom", UriKind.Relative))).StatusCode);
        using var post = await bed.Client.PostAsync(new Uri("prom", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public void The_daemon_host_has_no_metrics_listener_unless_configured()
    {
        var off = new DirectorConfiguration { Interfaces = [new InterfaceConfiguration("eth0", null, null)] };
        var services = new ServiceCollection();
        MetricsServer.Register(services, off);
        Assert.Empty(services);

        var on = off with { Metrics = new MetricsConfiguration { Listen = new IPEndPoint(IPAddress.Loopback, 9103) } };
        MetricsServer.Register(services, on);
        Assert.Contains(services, d => d.ServiceType == typeof(MetricsServer));
        Assert.Contains(services, d => d.ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService));

        using var host = DaemonHost.Build(off);
        Assert.Null(host.Services.GetService<MetricsServer>());
        using var hostOn = DaemonHost.Build(on);
        Assert.NotNull(hostOn.Services.GetService<MetricsServer>());
    }
}
