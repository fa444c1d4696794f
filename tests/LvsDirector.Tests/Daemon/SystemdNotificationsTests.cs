using System.Net;
using System.Net.Sockets;
using System.Text;
using LvsDirector.Daemon;
using LvsDirector.Services;
using LvsDirector.Tests.Statistics;
using Microsoft.Extensions.Logging.Abstractions;

namespace LvsDirector.Tests.Daemon;

/// <summary>lvsd's sd_notify messages, received on a fake notify socket in the abstract namespace.</summary>
public sealed class SystemdNotificationsTests : IDisposable
{
    private readonly string _name = $"lvsd-test-{Guid.NewGuid():N}";
    private readonly Socket _receiver;
    private string? _status = "serving 1 service, 2 real servers";

    public SystemdNotificationsTests()
    {
        _receiver = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _receiver.Bind(new UnixDomainSocketEndPoint("\0" + _name));
        _receiver.ReceiveTimeout = 5000;
    }

    public void Dispose() => _receiver.Dispose();

    private SystemdNotifications Notifications() =>
        new(new SystemdNotifier("@" + _name), () => _status, NullLogger<SystemdNotifications>.Instance);

    [Fact]
    public void Ready_carries_the_status_line()
    {
        Notifications().Ready();

        Assert.Equal("READY=1\nSTATUS=serving 1 service, 2 real servers", Receive());
    }

    [Fact]
    public void Ready_without_status_is_just_ready()
    {
        _status = null;

        Notifications().Ready();

        Assert.Equal("READY=1", Receive());
    }

    [Fact]
    public void Reloading_sends_the_monotonic_time_of_the_reload()
    {
        var before = SystemdNotifier.MonotonicMicroseconds();
        Notifications().Reloading();
        var after = SystemdNotifier.MonotonicMicroseconds();

        var lines = Receive().Split('\n');

        Assert.Equal("RELOADING=1", lines[0]);
        Assert.StartsWith("MONOTONIC_USEC=", lines[1], StringComparison.Ordinal);
        var usec = long.Parse(lines[1]["MONOTONIC_USEC=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(usec, before, after);
    }

    [Fact]
    public void Monotonic_microseconds_follow_clock_monotonic()
    {
        // /proc/uptime is CLOCK_BOOTTIME; on a machine that never suspended it equals CLOCK_MONOTONIC to the second.
        var uptime = double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);

        Assert.InRange(SystemdNotifier.MonotonicMicroseconds() / 1e6, 0, uptime + 1);
    }

    [Fact]
    public async Task Watchdog_pings_at_half_the_timeout_while_the_worker_lives()
    {
        var time = new ManualTimeProvider();
        var alive = true;
        using var watchdog = new SystemdWatchdogHostedService(
            Notifications(), TimeSpan.FromSeconds(10), () => alive, time, NullLogger<SystemdWatchdogHostedService>.Instance);
        await watchdog.StartAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.Equal(0, _receiver.Available);

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.Equal("WATCHDOG=1", Receive());
        Assert.Equal("STATUS=serving 1 service, 2 real servers", Receive());

        alive = false;
        time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(0, _receiver.Available);

        alive = true;
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal("WATCHDOG=1", Receive());
    }

    [Fact]
    public async Task No_watchdog_timer_without_watchdog_usec()
    {
        var time = new ManualTimeProvider();
        using var watchdog = new SystemdWatchdogHostedService(
            Notifications(), null, () => true, time, NullLogger<SystemdWatchdogHostedService>.Instance);

        await watchdog.StartAsync(CancellationToken.None);

        Assert.Equal(0, time.ActiveTimers);
    }

    [Fact]
    public async Task Stop_ends_the_pings()
    {
        var time = new ManualTimeProvider();
        using var watchdog = new SystemdWatchdogHostedService(
            Notifications(), TimeSpan.FromSeconds(2), () => true, time, NullLogger<SystemdWatchdogHostedService>.Instance);
        await watchdog.StartAsync(CancellationToken.None);

        await watchdog.StopAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, _receiver.Available);
    }

    [Theory]
    [InlineData("10000000", null, 10.0)]
    [InlineData("10000000", "4242", 10.0)]
    [InlineData("10000000", "1", null)]
    [InlineData("0", null, null)]
    [InlineData("abc", null, null)]
    [InlineData(null, null, null)]
    public void Watchdog_timeout_comes_from_watchdog_usec_for_this_process(string? usec, string? pid, double? seconds)
    {
        var timeout = SystemdNotifier.WatchdogTimeout(usec, pid, processId: 4242);

        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, timeout);
    }

    [Fact]
    public void Status_counts_services_and_real_servers()
    {
        var table = new ServiceTable();
        Assert.Equal("serving 0 services, 0 real servers", DirectorStatusText.Describe(table.Current));

        var web = new ServiceKey(ServiceProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 80);
        var dns = new ServiceKey(ServiceProtocol.Udp, IPAddress.Parse("198.18.0.100"), 53);
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(web, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddService(new VirtualServiceSpec(dns, "rr")));
        Assert.Equal(ServiceTableError.None, table.AddRealServer(web, new RealServerSpec(IPAddress.Parse("198.18.1.10"), 80, 1, ForwardingMethod.Masquerade)));

        Assert.Equal("serving 2 services, 1 real server", DirectorStatusText.Describe(table.Current));
    }


    private string Receive()
    {
        var buffer = new byte[512];
        var length = _receiver.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}
