using System.Net;
using System.Text.Json;

namespace LvsDirector.Tests.Web;

public sealed class HealthMetricsTests
{
    private const string First = "protocol=\"tcp\",vip=\"198.18.0.100\",port=\"80\",fwmark=\"0\",server=\"198.19.0.11\",server_port=\"8080\"";

    [Fact]
    public async Task A_down_server_is_down_in_metrics_and_status_with_its_check_counts()
    {
        await using var bed = await WebTestBed.StartAsync();
        var table = bed.Director.Services;
        var address = IPAddress.Parse("198.19.0.11");
        table.CountHealthCheck(WebTestBed.Http, address, 8080, passed: true);
        table.CountHealthCheck(WebTestBed.Http, address, 8080, passed: false);
        table.CountHealthCheck(WebTestBed.Http, address, 8080, passed: false);
        table.SetServerHealth(WebTestBed.Http, address, 8080, up: false, out _);

        var lines = (await bed.Client.GetStringAsync(new Uri("metrics", UriKind.Relative))).Split('\n');
        Assert.Contains($"lvsd_real_server_up{{{First}}} 0", lines);
        Assert.Contains($"lvsd_real_server_weight{{{First}}} 0", lines);
        Assert.Contains("# TYPE lvsd_real_server_health_checks_total counter", lines);
        Assert.Contains($"lvsd_real_server_health_checks_total{{{First},result=\"pass\"}} 1", lines);
        Assert.Contains($"lvsd_real_server_health_checks_total{{{First},result=\"fail\"}} 2", lines);

        using var json = JsonDocument.Parse(await bed.Client.GetStringAsync(new Uri("status.json", UriKind.Relative)));
        var server = json.RootElement.GetProperty("services").EnumerateArray()
            .Single(s => s.GetProperty("port").GetInt32() == 80)
            .GetProperty("servers").EnumerateArray()
            .Single(r => r.GetProperty("address").GetString() == "198.19.0.11");
        Assert.Equal("down", server.GetProperty("health").GetString());
        Assert.Equal(0, server.GetProperty("weight").GetInt32());
    }
}
