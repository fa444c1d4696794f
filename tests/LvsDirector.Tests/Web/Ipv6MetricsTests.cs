using System.Net;
using System.Text;
using LvsDirector.Daemon.Web;
using LvsDirector.DataPath;
using LvsDirector.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Web;

public sealed class Ipv6MetricsTests
{
    [Fact]
    public void Ipv6_services_and_servers_are_labelled_without_ambiguity()
    {
        var director = new Director(new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 4096 }, NullLoggerFactory.Instance, TimeProvider.System);
        var web6 = new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("2001:db8::1"), 80);
        director.Services.SetFirewallMarks([new FirewallMarkRule(3, FirewallMarkProtocol.Any, IPAddress.Parse("2001:db8::100"), 128, [])]);
        Assert.Equal(ServiceTableError.None, director.Services.AddService(new VirtualServiceSpec(web6, "rr")));
        Assert.Equal(ServiceTableError.None, director.Services.AddService(new VirtualServiceSpec(ServiceKey.ForFwmark(3, ipv6: true), "rr")));
        Assert.Equal(ServiceTableError.None, director.Services.AddRealServer(web6, new RealServerSpec(IPAddress.Parse("2001:db8:1::11"), 8080, 1, ForwardingMethod.Masquerade)));

        var text = new StringBuilder();
        PrometheusExporter.Write(text, director);
        var metrics = text.ToString();

        Assert.Contains("lvsd_real_server_weight{protocol=\"tcp\",vip=\"2001:db8::1\",port=\"80\",fwmark=\"0\",server=\"2001:db8:1::11\",server_port=\"8080\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("{protocol=\"fwm6\",vip=\"\",port=\"0\",fwmark=\"3\"}", metrics, StringComparison.Ordinal);

        var service = director.Services.Current.Services[0];
        Assert.Equal("TCP [2001:db8::1]:80", ServiceLabels.Display(service));
        Assert.Equal("[2001:db8:1::11]:8080", ServiceLabels.Server(service.Servers[0]));
        Assert.Equal("FWM 3 IPv6", ServiceLabels.Display(director.Services.Current.Services[1]));
    }
}
