using LvsDirector.Control;
using LvsDirector.Daemon;
using LvsDirector.DataPath;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Daemon;

public class DirectorControlHandlerTests
{
    private static readonly ControlServiceKey Https = new(ControlProtocol.Tcp, "198.18.0.100", 443);
    private static readonly ControlServiceKey Mark1 = new(ControlProtocol.Tcp, null, 0, 1);

    private static DirectorControlHandler Handler(out Director director)
    {
        director = new Director(new DirectorSettings { Interfaces = ["eth0"], ConnectionTableSize = 4096 }, NullLoggerFactory.Instance, TimeProvider.System);
        return new DirectorControlHandler(director);
    }

    private static ControlResponse Send(DirectorControlHandler handler, ControlRequest request) =>
        handler.HandleAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [Fact]
    public void Persistence_netmask_ops_and_thresholds_are_applied_and_listed()
    {
        var handler = Handler(out _);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Https, "rr", PersistenceTimeout: 600, Netmask: "255.255.255.0"))).Ok);
        var udp = new ControlServiceKey(ControlProtocol.Udp, "198.18.0.100", 53);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(udp, "rr", OnePacket: true))).Ok);
        Assert.True(Send(handler, new AddServerRequest(Https, new ControlServerSpec("198.19.0.11", 8443, 1, ControlForwardingMethod.Masq, 100, 50))).Ok);

        var listing = Send(handler, new ListRequest()).Listing!;
        var https = listing.Services.Single(s => s.Key.Port == 443);
        Assert.Equal(ServiceAttributes.Persistent | ServiceAttributes.Hashed, https.Flags);
        Assert.Equal(600u, https.PersistenceTimeout);
        Assert.Equal("255.255.255.0", https.Netmask);
        var server = Assert.Single(https.Servers);
        Assert.Equal(100u, server.UpperThreshold);
        Assert.Equal(50u, server.LowerThreshold);
        Assert.Equal(0u, server.PersistentConnections);
        Assert.Equal(ServiceAttributes.OnePacket | ServiceAttributes.Hashed, listing.Services.Single(s => s.Key.Port == 53).Flags);
        Assert.Equal(new ControlTimeouts(900, 120, 300), listing.Timeouts);

        // -E without -p makes the service non-persistent again, as ipvsadm -E replaces every attribute.
        Assert.True(Send(handler, new EditServiceRequest(new ControlServiceSpec(Https, "rr"))).Ok);
        Assert.Equal(ServiceAttributes.Hashed, Send(handler, new ListRequest(Https)).Listing!.Services.Single().Flags);
    }

    [Fact]
    public void Firewall_mark_services_take_real_servers_without_a_port()
    {
        var handler = Handler(out _);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Mark1, "rr", PersistenceTimeout: 300))).Ok);
        Assert.True(Send(handler, new AddServerRequest(Mark1, new ControlServerSpec("198.19.0.11", 0, 1, ControlForwardingMethod.Masq))).Ok);
        Assert.Equal(ControlError.ServiceExists, Send(handler, new AddServiceRequest(new ControlServiceSpec(Mark1, "wrr"))).Error);

        var service = Assert.Single(Send(handler, new ListRequest(Mark1)).Listing!.Services);
        Assert.Equal(1u, service.Key.Fwmark);
        Assert.Null(service.Key.Address);
        Assert.Equal(0, Assert.Single(service.Servers).Port);

        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Mark1 with { Fwmark = 2, Ipv6 = true }, "rr"))).Ok);
        Assert.True(Send(handler, new DeleteServiceRequest(Mark1)).Ok);
        Assert.Equal(ControlError.NoSuchService, Send(handler, new ListRequest(Mark1)).Error);
    }

    [Fact]
    public void Errors_are_ipvsadms()
    {
        var handler = Handler(out _);
        var zero = Send(handler, new AddServiceRequest(new ControlServiceSpec(Https with { Port = 0 }, "rr")));
        Assert.Equal(ControlError.InvalidArgument, zero.Error);
        Assert.Equal("Zero port specified for non-persistent service", zero.Message);

        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Https, "rr"))).Ok);
        var range = Send(handler, new AddServerRequest(Https, new ControlServerSpec("198.19.0.11", 443, 1, ControlForwardingMethod.Masq, 5, 10)));
        Assert.Equal(ControlError.InvalidArgument, range.Error);
        Assert.Contains("Lower threshold", range.Message, StringComparison.Ordinal);

        Assert.Equal(ControlError.SchedulerNotFound, Send(handler, new EditServiceRequest(new ControlServiceSpec(Https, "rr", PersistenceEngine: "sip"))).Error);
        Assert.True(Send(handler, new EditServiceRequest(new ControlServiceSpec(Https, "rr", SchedulerFlags: ["flag-1"]))).Ok); // flag-N applies to any scheduler, as in ipvsadm
        Assert.Equal(ControlError.InvalidArgument, Send(handler, new SetTimeoutsRequest(-5, 0, 0)).Error);
    }

    [Fact]
    public void Set_timeouts_changes_what_list_timeout_reports()
    {
        var handler = Handler(out var director);
        Assert.True(Send(handler, new SetTimeoutsRequest(3600, 0, 60)).Ok);
        Assert.Equal(new ControlTimeouts(3600, 120, 60), Send(handler, new ListRequest()).Listing!.Timeouts);
        Assert.Equal(TimeSpan.FromSeconds(60), director.Timeouts.Udp);
    }

    [Fact]
    public void Scheduler_flags_are_applied_listed_and_checked_against_the_scheduler()
    {
        var handler = Handler(out var director);
        Assert.True(Send(handler, new AddServiceRequest(new ControlServiceSpec(Https, "sh", SchedulerFlags: ["sh-fallback", "sh-port"]))).Ok);
        var service = Assert.Single(Send(handler, new ListRequest(Https)).Listing!.Services);
        Assert.Equal(ServiceAttributes.Hashed | ServiceAttributes.Scheduler1 | ServiceAttributes.Scheduler2, service.Flags);
        Assert.Equal(LvsDirector.Scheduling.SchedulerFlags.Fallback | LvsDirector.Scheduling.SchedulerFlags.Port,
            director.Services.Current.Services.Single().Scheduler.Flags);

        Assert.Equal(ControlError.InvalidArgument, Send(handler, new EditServiceRequest(new ControlServiceSpec(Https, "rr", SchedulerFlags: ["sh-port"]))).Error);
        Assert.True(Send(handler, new EditServiceRequest(new ControlServiceSpec(Https, "sh"))).Ok);
        Assert.Equal(ServiceAttributes.Hashed, Send(handler, new ListRequest(Https)).Listing!.Services.Single().Flags);
    }
}
