using System.Net;
using LvsDirector.Configuration;

namespace LvsDirector.Tests.Web;

public class MetricsConfigurationTests
{
    private static ConfigurationLoadResult Load(string metrics) =>
        ConfigurationLoader.LoadFromText("interfaces: [eth0]\n" + metrics, "test.yaml");

    [Fact]
    public void Metrics_are_off_unless_the_section_is_present()
    {
        var result = ConfigurationLoader.LoadFromText("interfaces: [eth0]\n", "test.yaml");
        Assert.True(result.Succeeded);
        Assert.Null(result.Configuration!.Metrics);
    }

    [Fact]
    public void Listen_path_and_status_page_are_read_with_defaults()
    {
        var metrics = Load("metrics: { listen: \"127.0.0.1:9103\" }").Configuration!.Metrics!;
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 9103), metrics.Listen);
        Assert.Equal("/metrics", metrics.Path);
        Assert.True(metrics.StatusPage);

        var plain = Load("metrics:\n  listen: 198.18.0.1:9103\n").Configuration!.Metrics!;
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.18.0.1"), 9103), plain.Listen);

        var custom = Load("metrics:\n  listen: \"[::1]:9200\"\n  path: /prom\n  status_page: false\n").Configuration!.Metrics!;
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9200), custom.Listen);
        Assert.Equal("/prom", custom.Path);
        Assert.False(custom.StatusPage);
    }

    [Theory]
    [InlineData("metrics: { listen: 127.0.0.1 }", "metrics.listen")]
    [InlineData("metrics: { listen: \"127.0.0.1:0\" }", "metrics.listen")]
    [InlineData("metrics: { listen: \"127.0.0.1:70000\" }", "metrics.listen")]
    [InlineData("metrics: { listen: \"localhost:9103\" }", "metrics.listen")]
    [InlineData("metrics: { listen: \"::1:9103\" }", "metrics.listen")]
    [InlineData("metrics: { listen: \"127.1:9103\" }", "metrics.listen")]
    [InlineData("metrics: { path: /metrics }", "metrics.listen")]
    [InlineData("metrics: { listen: \"127.0.0.1:9103\", path: metrics }", "metrics.path")]
    [InlineData("metrics: { listen: \"127.0.0.1:9103\", path: / }", "metrics.path")]
    [InlineData("metrics: { listen: \"127.0.0.1:9103\", path: /status.json }", "metrics.path")]
    [InlineData("metrics: { listen: \"127.0.0.1:9103\", status_page: maybe }", "metrics.status_page")]
    [InlineData("metrics: { listen: \"127.0.0.1:9103\", port: 1 }", "metrics.port")]
    public void Invalid_values_are_reported_at_their_key(string yaml, string key)
    {
        var result = Load(yaml);
        Assert.False(result.Succeeded);
        Assert.Contains(result.Errors, e => e.Key == key);
    }
}
