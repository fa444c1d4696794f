using LvsDirector.Configuration;
using LvsDirector.DataPath;
using LvsDirector.HighAvailability;
using LvsDirector.Packets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LvsDirector.Daemon;

/// <summary>
/// Runs the configured VRRP instance and hands VIP ownership to the data path: released while BACKUP (no ARP/ND answers,
/// no announcements), acquired as MASTER (gratuitous ARP / unsolicited NA at once). Without a vrrp: section it does
/// nothing and the director owns its VIPs as always. Registered after the director, so on SIGTERM it stops first and
/// its priority 0 advert lets the backup take over while this director still forwards.
/// </summary>
internal sealed class VrrpHostedService : IHostedService, IDisposable
{
    private readonly Director _director;
    private readonly DirectorConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly Func<VrrpInstanceSettings, ILogger, IVrrpTransport> _openTransport;
    private CancellationTokenSource? _receiving;
    private Task? _receiveLoop;
    private IVrrpTransport? _transport;
    private Action? _statusChanged;

    public VrrpHostedService(Director director, DirectorConfiguration configuration, TimeProvider time, ILoggerFactory loggerFactory, IServiceProvider services)
        : this(director, configuration, time, loggerFactory, OpenSocket)
    {
        // Resolved when a state changes, not injected: the notifications' status text reads this service's state.
        _statusChanged = () => (services.GetService(typeof(SystemdNotifications)) as SystemdNotifications)?.UpdateStatus();
    }

    /// <summary>Lets tests run the service over a recording transport.</summary>
    internal VrrpHostedService(
        Director director, DirectorConfiguration configuration, TimeProvider time, ILoggerFactory loggerFactory,
        Func<VrrpInstanceSettings, ILogger, IVrrpTransport> openTransport)
    {
        _director = director;
        _configuration = configuration;
        _time = time;
        _loggerFactory = loggerFactory;
        _openTransport = openTransport;

        // Hosted services are all constructed before the first one starts, so the data path starts silent: a backup
        // must not send gratuitous ARP for VIPs its peer is serving, not even once.
        if (configuration.Vrrp is not null)
        {
            director.VipOwnership.Release();
        }
    }

    /// <summary>The running instance (null without a vrrp: section or before start), for status text and metrics.</summary>
    public VrrpInstance? Instance { get; private set; }

    /// <summary>The settings lvsd runs a vrrp: section with: VIPs are the IPv4 addresses of the configured services.</summary>
    public static VrrpInstanceSettings ToSettings(VrrpConfiguration vrrp, IEnumerable<VirtualServiceConfiguration> services, uint primaryAddress)
    {
        ArgumentNullException.ThrowIfNull(vrrp);
        ArgumentNullException.ThrowIfNull(services);
        var vips = services
            .Where(s => s.Fwmark == 0 && !s.IsIpv6)
            .Select(s => Ipv4Address.FromIPAddress(s.Address))
            .Distinct()
            .Take(VrrpPacket.MaxAddresses)
            .ToList();
        if (vips.Count == 0)
        {
            // An advert must list at least one address; with no IPv4 VIP configured the primary stands in.
            vips.Add(primaryAddress);
        }

        return new VrrpInstanceSettings
        {
            Interface = vrrp.Interface,
            VirtualRouterId = (byte)vrrp.VirtualRouterId,
            Priority = (byte)vrrp.Priority,
            AdvertisementInterval = vrrp.AdvertInterval,
            Preempt = vrrp.Preempt,
            PreemptDelay = vrrp.PreemptDelay,
            Version = vrrp.Version == 2 ? VrrpVersion.V2 : VrrpVersion.V3,
            PrimaryAddress = primaryAddress,
            VirtualAddresses = vips,
            UnicastPeers = [.. vrrp.UnicastPeers.Select(Ipv4Address.FromIPAddress)],
        };
    }

    /// <summary>"; VRRP VR 51 MASTER", appended to the systemd STATUS line; empty without VRRP.</summary>
    public string StatusText() =>
        Instance is { } instance ? $"; VRRP VR {instance.Settings.VirtualRouterId} {VrrpInstance.Name(instance.State)}" : string.Empty;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_configuration.Vrrp is not { } vrrp)
        {
            return Task.CompletedTask;
        }

        var primary = VrrpSocketTransport.FindPrimaryAddress(vrrp.Interface)
            ?? throw new InvalidOperationException($"vrrp.interface {vrrp.Interface} has no IPv4 address; VRRP adverts need one as their source");
        var settings = ToSettings(vrrp, _configuration.Services, primary);
        var logger = _loggerFactory.CreateLogger<VrrpInstance>();
        _transport = _openTransport(settings, logger);
        var instance = new VrrpInstance(settings, _transport, _time, logger);
        instance.StateChanged += OnStateChanged;
        Instance = instance;

        _receiving = new CancellationTokenSource();
        if (_transport is VrrpSocketTransport socket)
        {
            var token = _receiving.Token;
            _receiveLoop = Task.Run(() => socket.ReceiveAsync(packet => instance.Receive(packet.Span), token), CancellationToken.None);
        }

        instance.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Instance is not { } instance)
        {
            return;
        }

        // Priority 0 first, while the socket is still open; the director keeps forwarding until it stops after us.
        instance.Stop();
        if (_receiving is not null)
        {
            await _receiving.CancelAsync().ConfigureAwait(false);
        }

        if (_receiveLoop is not null)
        {
            await _receiveLoop.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        Instance?.Dispose();
        (_transport as IDisposable)?.Dispose();
        _receiving?.Dispose();
    }

    private static IVrrpTransport OpenSocket(VrrpInstanceSettings settings, ILogger logger) =>
        VrrpSocketTransport.Open(settings.Interface, settings.PrimaryAddress, settings.UnicastPeers, logger);

    private void OnStateChanged(object? sender, VrrpStateChangedEventArgs e)
    {
        if (e.To == VrrpState.Master)
        {
            _director.VipOwnership.Acquire();
        }
        else
        {
            _director.VipOwnership.Release();
        }

        _statusChanged?.Invoke();
    }
}
