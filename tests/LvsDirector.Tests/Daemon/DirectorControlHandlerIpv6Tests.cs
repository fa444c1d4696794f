using LvsDirector.Control;
using LvsDirector.Daemon;
using LvsDirector.DataPath;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Daemon;

public sealed class DirectorControlHandlerIpv6Tests
{
    private static readonly ControlServiceKey Web6 = new(ControlProtocol.Tcp, "2001:db8::1", 443);
    private static readonly ControlServiceKey Mark1v4 = new(ControlProtocol.Tcp, null, 0, 1);
    private static readonly ControlServiceKey Mark1v6 = new(ControlProtocol.Tcp, null, 0, 1, true);

    private static DirectorControlHandler Handler(out Director director)
    {
        director = new Director(new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 4096 }, NullLoggerFactory.Instance, TimeProvider.System);
        return new DirectorControlHandler(director);
    }

    private static ControlResponse Send(DirectorControlHandler handler, ControlRequest request) =>
        handler.HandleAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [Fact]
    public void Ipv6_services_and_servers_are_added_listed_and_deleted()
    {
        var handler = Handler(out var director);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Web6, "sh", PersistenceTimeout: 600, Netmask: "64"))).Ok);
        Assert.True(Send(handler, new AddServerRequest(Web6, new ControlServerSpec("2001:db8:1::11", 8443, 2, ControlForwardingMethod.Masq))).Ok);
        Assert.True(Send(handler, new AddServerRequest(Web6, new ControlServerSpec("2001:db8:1::12", 443, 1, ControlForwardingMethod.Route))).Ok);

        var service = Assert.Single(Send(handler, new ListRequest(Web6)).Listing!.Services);
        Assert.Equal(Web6, service.Key);
        Assert.Equal("64", service.Netmask);
        Assert.Equal(["2001:db8:1::11", "2001:db8:1::12"], service.Servers.Select(s => s.Address));
        Assert.Equal(64, director.Services.Current.Services[0].Persistence!.Ipv6PrefixLength);

        Assert.True(Send(handler, new EditServerRequest(Web6, new ControlServerSpec("2001:db8:1::11", 8443, 0, ControlForwardingMethod.Masq))).Ok);
        Assert.Equal(0, director.Services.Current.Services[0].Servers[0].Weight);
        Assert.True(Send(handler, new DeleteServerRequest(Web6, "2001:db8:1::11", 8443)).Ok);
        Assert.Equal(ControlError.NoSuchDestination, Send(handler, new DeleteServerRequest(Web6, "2001:db8:1::11", 8443)).Error);
        Assert.True(Send(handler, new ZeroRequest(Web6)).Ok);
        Assert.True(Send(handler, new DeleteServiceRequest(Web6)).Ok);
        Assert.Empty(director.Services.Current.Services);
    }

    [Fact]
    public void A_non_persistent_ipv6_service_lists_the_default_prefix()
    {
        var handler = Handler(out _);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Web6, "rr"))).Ok);

        Assert.Equal("128", Send(handler, new ListRequest(Web6)).Listing!.Services.Single().Netmask);
    }

    [Theory]
    [InlineData("198.19.0.11", ControlForwardingMethod.Masq)]
    [InlineData("198.19.0.11", ControlForwardingMethod.Tunnel)]
    public void Mixing_families_is_refused_with_a_message(string server, ControlForwardingMethod method)
    {
        var handler = Handler(out _);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Web6, "rr"))).Ok);

        var response = Send(handler, new AddServerRequest(Web6, new ControlServerSpec(server, 443, 1, method)));

        Assert.Equal(ControlError.InvalidArgument, response.Error);
        Assert.Contains("do not mix", response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("255.255.255.0")]
    [InlineData("0")]
    [InlineData("129")]
    public void A_bad_ipv6_persistence_prefix_is_refused(string mask)
    {
        var handler = Handler(out _);

        var response = Send(handler, new AddServiceRequest(new ControlServiceSpec(Web6, "rr", PersistenceTimeout: 300, Netmask: mask)));

        Assert.Equal(ControlError.InvalidArgument, response.Error);
        Assert.Contains("prefix length", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_mark_makes_two_services_one_per_family()
    {
        var handler = Handler(out var director);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Mark1v4, "rr"))).Ok);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Mark1v6, "wrr"))).Ok);
        Assert.Equal(ControlError.ServiceExists, Send(handler, new AddServiceRequest(new ControlServiceSpec(Mark1v6, "rr"))).Error);
        Assert.True(Send(handler, new AddServerRequest(Mark1v6, new ControlServerSpec("2001:db8:1::11", 0, 1, ControlForwardingMethod.Route))).Ok);

        var listing = Send(handler, new ListRequest()).Listing!;
        Assert.Equal(2, listing.Services.Count);
        var v6 = Assert.Single(listing.Services, s => s.Key.Ipv6 == true);
        Assert.Equal("wrr", v6.Scheduler);
        Assert.Equal("2001:db8:1::11", Assert.Single(v6.Servers).Address);
        Assert.Empty(listing.Services.Single(s => s.Key.Ipv6 != true).Servers);
        Assert.True(director.Services.Current.Services[1].IsIpv6);
    }
}
