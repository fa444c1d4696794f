using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;
using LvsDirector.Connections;
using LvsDirector.Forwarding;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Packets;
using LvsDirector.Services;
using Microsoft.Extensions.Logging;

namespace LvsDirector.DataPath;

/// <summary>The running director: links, the packet worker, neighbour resolution and the service table they share.</summary>
public sealed class Director : IDisposable
{
    private const int PollTimeoutMs = 10;
    private const long WorkerStallMs = 5_000;
    private const long FaultLogIntervalMs = 10_000;

    /// <summary>Largest --set value, INT_MAX / HZ with HZ = 1000 as the kernel bounds it.</summary>
    public const int MaxTimeoutSeconds = int.MaxValue / 1000;

    private static readonly TimeSpan SnapshotWait = TimeSpan.FromSeconds(5);

    private readonly DirectorSettings _settings;
    private readonly ILogger<Director> _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, ILink> _openLink;
    private readonly Func<string, IReadOnlyList<(uint Address, int PrefixLength)>> _addressesOf;
    private readonly Func<string, IReadOnlyList<(UInt128 Address, int PrefixLength)>> _addresses6Of;
    private readonly List<ILink> _links = [];
    private readonly Dictionary<string, (uint Address, int PrefixLength)[]> _configured4 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (UInt128 Address, int PrefixLength)[]> _configured6 = new(StringComparer.Ordinal);

    // The kernel's gateway routes per interface (next hops to routed real servers); none over in-memory links.
    private Func<string, Route[]> _routesOf = _ => [];
    private Func<string, Route6[]> _routes6Of = _ => [];
    private Thread? _thread;
    private volatile bool _stopping;
    private long _lastLoopMs;
    private long _faultsLogged;
    private long _nextFaultLogMs;
    private PacketWorker? _worker;
    private ConnectionTimeouts _timeouts;

    public Director(DirectorSettings settings, ILoggerFactory loggerFactory, TimeProvider timeProvider)
        : this(settings, loggerFactory, timeProvider, OpenPacketLink, AfPacketLink.GetIpv4Addresses, AfPacketLink.GetIpv6Addresses)
    {
        _routesOf = name => KernelRoutes.ForInterface(name);
        _routes6Of = name => KernelRoutes.ForInterface6(name);
    }

    /// <summary>Lets tests run the whole director over in-memory links.</summary>
    internal Director(
        DirectorSettings settings,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        Func<string, ILink> openLink,
        Func<string, IReadOnlyList<(uint Address, int PrefixLength)>> addressesOf,
        Func<string, IReadOnlyList<(UInt128 Address, int PrefixLength)>>? addresses6Of = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (settings.Interfaces.Count == 0)
        {
            throw new ArgumentException("At least one interface is required.", nameof(settings));
        }

        _settings = settings;
        _logger = loggerFactory.CreateLogger<Director>();
        _time = timeProvider;
        _openLink = openLink;
        _addressesOf = addressesOf;
        _addresses6Of = addresses6Of ?? (_ => []);
        Services = new ServiceTable(loggerFactory.CreateLogger<ServiceTable>());
        Counters = new DataPathCounters();
        _timeouts = settings.Timeouts;
    }

    public ServiceTable Services { get; }

    /// <summary>The running worker (null before <see cref="Start"/>), for tests.</summary>
    internal PacketWorker? Worker => _worker;

    public DataPathCounters Counters { get; }

    /// <summary>Whether the VIPs are answered for and announced; VRRP releases and acquires them, without VRRP always owned.</summary>
    public VipOwnership VipOwnership { get; } = new();

    public IReadOnlyList<string> Interfaces => _settings.Interfaces;

    /// <summary>Connection table size, as ipvsadm prints it in "(size=N)".</summary>
    public int ConnectionTableSize => _settings.ConnectionTableSize;

    /// <summary>The connection timeouts in force (ipvsadm -L --timeout).</summary>
    public ConnectionTimeouts Timeouts => Volatile.Read(ref _timeouts);

    /// <summary>The connection-handling switches the worker runs with.</summary>
    public PacketWorkerOptions Options => _settings.Options;

    /// <summary>
    /// ipvsadm --set tcp tcpfin udp: new ESTABLISHED, FIN_WAIT and UDP timeouts in seconds, 0 leaving a value as it
    /// is. The worker applies them between batches; like IPVS, an entry takes the new value with its next packet.
    /// </summary>
    /// <returns>False with a reason when a value is out of range (nothing is changed then).</returns>
    public bool TrySetTimeouts(int tcp, int tcpFin, int udp, [NotNullWhen(false)] out string? error)
    {
        if (tcp is < 0 or > MaxTimeoutSeconds || tcpFin is < 0 or > MaxTimeoutSeconds || udp is < 0 or > MaxTimeoutSeconds)
        {
            error = $"timeouts must be between 0 and {MaxTimeoutSeconds} seconds";
            return false;
        }

        lock (_links)
        {
            var current = Timeouts;
            var updated = current with
            {
                Established = tcp == 0 ? current.Established : TimeSpan.FromSeconds(tcp),
                FinWait = tcpFin == 0 ? current.FinWait : TimeSpan.FromSeconds(tcpFin),
                Udp = udp == 0 ? current.Udp : TimeSpan.FromSeconds(udp),
            };
            Volatile.Write(ref _timeouts, updated);
            _worker?.Post(w =>
            {
                w.Connections.SetTimeouts(updated);
                w.Connections6.SetTimeouts(updated);
            });
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Copies every connection, template and one-packet entry of the running worker (the data source of
    /// ipvsadm -L -c). Runs on the worker thread between batches and waits for it; empty when the director is not
    /// running.
    /// </summary>
    public IReadOnlyList<ConnectionSnapshot> SnapshotConnections()
    {
        var worker = _worker;
        if (worker is null || _thread is null)
        {
            return [];
        }

        var done = new TaskCompletionSource<IReadOnlyList<ConnectionSnapshot>>(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Post(w => done.TrySetResult(Copy(w)));
        return done.Task.Wait(SnapshotWait) ? done.Task.Result : throw new TimeoutException("The packet worker did not answer.");
    }

    /// <summary>The copy itself; only on the thread that owns the worker's table.</summary>
    internal static IReadOnlyList<ConnectionSnapshot> Copy(PacketWorker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var table = worker.Connections;
        var result = new List<ConnectionSnapshot>(table.Count);
        var page = new ConnectionEntry[4096];
        var position = 0;
        while (position < table.Capacity)
        {
            var n = table.CopyTo(page, ref position);
            for (var i = 0; i < n; i++)
            {
                result.Add(ConnectionSnapshot.From(in page[i], worker.NowMs));
            }
        }

        var table6 = worker.Connections6;
        var page6 = new ConnectionEntry<UInt128>[1024];
        position = 0;
        while (position < table6.Capacity)
        {
            var n = table6.CopyTo(page6, ref position);
            for (var i = 0; i < n; i++)
            {
                result.Add(ConnectionSnapshot.From(in page6[i], worker.NowMs));
            }
        }

        return result;
    }

    /// <summary>
    /// True while the packet worker thread runs and went round its loop recently (it wakes at least every
    /// poll timeout even when idle); the systemd watchdog is fed only while this holds.
    /// </summary>
    public bool IsWorkerAlive =>
        _thread is { IsAlive: true } && NowMs() - Volatile.Read(ref _lastLoopMs) < WorkerStallMs;

    /// <summary>
    /// The director's own addresses on <paramref name="interfaceName"/> (from the configuration), used instead of
    /// the kernel's for each family they contain: ARP and Neighbor Solicitation sources, the tunnel's outer source,
    /// on-link prefixes. Call before <see cref="Start"/>.
    /// </summary>
    public void UseInterfaceAddresses(string interfaceName, IEnumerable<(IPAddress Address, int PrefixLength)> addresses)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        ArgumentNullException.ThrowIfNull(addresses);
        if (_thread is not null)
        {
            throw new InvalidOperationException("Interface addresses are fixed once the director runs.");
        }

        var v4 = new List<(uint, int)>();
        var v6 = new List<(UInt128, int)>();
        foreach (var (address, prefixLength) in addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                v6.Add((Ipv6Address.FromIPAddress(address), prefixLength));
            }
            else
            {
                v4.Add((Ipv4Address.FromIPAddress(address), prefixLength));
            }
        }

        if (v4.Count > 0)
        {
            _configured4[interfaceName] = [.. v4];
        }

        if (v6.Count > 0)
        {
            _configured6[interfaceName] = [.. v6];
        }
    }

    /// <summary>Opens the links, announces VIPs and starts the packet worker.</summary>
    public void Start()
    {
        if (_thread is not null)
        {
            throw new InvalidOperationException("The director is already running.");
        }

        var contexts = new LinkContext[_settings.Interfaces.Count];
        for (var i = 0; i < contexts.Length; i++)
        {
            var name = _settings.Interfaces[i];
            if (_settings.DisableOffloads)
            {
                InterfaceOffloads.DisableForwardingOffloads(name);
            }

            var link = _openLink(name);
            _links.Add(link);
            IReadOnlyList<(uint Address, int PrefixLength)> addresses = _configured4.TryGetValue(name, out var configured4) ? configured4 : _addressesOf(name);
            IReadOnlyList<(UInt128 Address, int PrefixLength)> addresses6 = _addresses6Of(name);
            if (_configured6.TryGetValue(name, out var configured6))
            {
                // The kernel's fe80:: address stays unless the configuration names one: it is what the neighbours know.
                addresses6 = configured6.Any(a => Ipv6Address.IsLinkLocal(a.Address))
                    ? configured6
                    : [.. configured6, .. addresses6.Where(a => Ipv6Address.IsLinkLocal(a.Address))];
            }

            var reachableMs = (long)_settings.NeighborTimeout.TotalMilliseconds;
            contexts[i] = new LinkContext(i, link, addresses, addresses6, new NeighborTable(reachableMs: reachableMs), new Ipv6NeighborTable(reachableMs: reachableMs))
            {
                Routes = _routesOf(name),
                Routes6 = _routes6Of(name),
            };
            if (_logger.IsEnabled(LogLevel.Information))
            {
                var ipv6 = Ipv6Address.Format(contexts[i].PrimaryAddress6);
                var linkLocal = Ipv6Address.Format(contexts[i].LinkLocalAddress6);
                DirectorLog.LinkOpened(_logger, name, link.HardwareAddress, link.Mtu, addresses.Count, ipv6, linkLocal);
            }
        }

        var table = new ConnectionTable(_settings.ConnectionTableSize, Timeouts, Environment.TickCount);
        var table6 = new Ipv6ConnectionTable(_settings.Ipv6ConnectionTableSize ?? Math.Max(1024, _settings.ConnectionTableSize / 4), Timeouts, Environment.TickCount ^ 0x5EED);
        _worker = new PacketWorker(contexts, Services, table, Counters, _settings.Options, table6) { Ownership = VipOwnership };
        _thread = new Thread(Run) { IsBackground = true, Name = "lvsd-worker-0", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
        DirectorLog.Started(_logger, _settings.Interfaces.Count, _settings.ConnectionTableSize);
    }

    /// <summary>Stops the worker and closes the links.</summary>
    public void Stop()
    {
        _stopping = true;
        _thread?.Join(TimeSpan.FromSeconds(5));
        _thread = null;
        foreach (var link in _links)
        {
            link.Dispose();
        }

        _links.Clear();
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var nonZero = string.Join(' ', Counters.Snapshot().Where(c => c.Value != 0).Select(c => $"{c.Key}={c.Value}"));
            DirectorLog.Stopped(_logger, Counters.ReceivedFrames, Counters.ForwardedFrames, nonZero);
        }
    }

    public void Dispose()
    {
        if (_thread is not null)
        {
            Stop();
        }
    }

    private static ILink OpenPacketLink(string name) => AfPacketLink.Open(name, new AfPacketOptions());

    // At most one line per FaultLogIntervalMs, however many frames throw: a crafted flood must not flood the journal.
    private void ReportFault(PacketWorker worker, Exception fault)
    {
        if (worker.NowMs < _nextFaultLogMs)
        {
            return;
        }

        _nextFaultLogMs = worker.NowMs + FaultLogIntervalMs;
        var total = worker.Counters.InternalErrorCount;
        DirectorLog.FrameFault(_logger, total - _faultsLogged, fault);
        _faultsLogged = total;
    }

    private long NowMs() => (long)_time.GetElapsedTime(0, _time.GetTimestamp()).TotalMilliseconds;

    private void Run()
    {
        var worker = _worker!;
        var waiter = new LinkWaiter(_links);
        var single = _links.Count == 1;
        var busy = false;
        try
        {
            while (!_stopping)
            {
                worker.NowMs = NowMs();
                Volatile.Write(ref _lastLoopMs, worker.NowMs);

                // After a nap the frames are waiting: poll without blocking.
                var handled = worker.PollOnce(single && !busy ? PollTimeoutMs : 0);
                busy = waiter.NapIfBusy(handled);
                if (handled == 0 && !single)
                {
                    waiter.Wait(PollTimeoutMs);
                }

                worker.NowMs = NowMs();
                worker.MaybeHeartbeat();
                if (worker.TakeFault() is { } fault)
                {
                    ReportFault(worker, fault);
                }
            }
        }
#pragma warning disable CA1031 // The worker thread must log and end, not take the process down silently.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            DirectorLog.WorkerFailed(_logger, ex);
        }
    }
}
