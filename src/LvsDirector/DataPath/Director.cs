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

/// <summary>
/// The running director: the packet workers with their links, neighbour resolution and the service table they share.
/// With more than one worker each interface is shared through a PACKET_FANOUT group whose classic BPF program
/// (<see cref="WorkerSteeringProgram"/>) sends both directions of every connection to the worker that owns it.
/// </summary>
public sealed class Director : IDisposable
{
    private const long WorkerStallMs = 5_000;

    /// <summary>PACKET_FANOUT_MAX: sockets one fanout group takes.</summary>
    public const int MaxWorkers = 256;

    /// <summary>Largest --set value, INT_MAX / HZ with HZ = 1000 as the kernel bounds it.</summary>
    public const int MaxTimeoutSeconds = int.MaxValue / 1000;

    private static readonly TimeSpan SnapshotWait = TimeSpan.FromSeconds(5);

    private readonly DirectorSettings _settings;
    private readonly ILogger<Director> _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, AfPacketOptions, ILink> _openLink;
    private readonly int _defaultWorkers;
    private readonly Func<string, IReadOnlyList<(uint Address, int PrefixLength)>> _addressesOf;
    private readonly Func<string, IReadOnlyList<(UInt128 Address, int PrefixLength)>> _addresses6Of;
    private readonly List<ILink> _links = [];
    private readonly Dictionary<string, (uint Address, int PrefixLength)[]> _configured4 = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (UInt128 Address, int PrefixLength)[]> _configured6 = new(StringComparer.Ordinal);

    // The kernel's gateway routes per interface (next hops to routed real servers); none over in-memory links.
    private Func<string, Route[]> _routesOf = _ => [];
    private Func<string, Route6[]> _routes6Of = _ => [];
    private PacketWorkerThread[] _workers = [];
    private AfPacketLink[] _steeredLinks = [];
    private readonly Lock _steerGate = new();
    private long _steeredVersion = -1;

    // Kernel out of the way (docs/operations.md): lvsd's tc ingress filter; never over in-memory links.
    private Func<IReadOnlyList<string>, ServiceTable, KernelBypass?> _startKernelBypass = (_, _) => null;
    private KernelBypass? _kernelBypass;
    private ConnectionTimeouts _timeouts;

    public Director(DirectorSettings settings, ILoggerFactory loggerFactory, TimeProvider timeProvider)
        : this(settings, loggerFactory, timeProvider, AfPacketLink.Open, AfPacketLink.GetIpv4Addresses, AfPacketLink.GetIpv6Addresses, Environment.ProcessorCount)
    {
        _routesOf = name => KernelRoutes.ForInterface(name);
        _routes6Of = name => KernelRoutes.ForInterface6(name);
        _startKernelBypass = (names, services) => settings.KernelIngressDrop ? KernelBypass.Start(names, services, loggerFactory, timeProvider) : null;
    }

    /// <summary>Lets tests run the whole director over in-memory links (one worker unless the settings ask for more).</summary>
    internal Director(
        DirectorSettings settings,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        Func<string, ILink> openLink,
        Func<string, IReadOnlyList<(uint Address, int PrefixLength)>> addressesOf,
        Func<string, IReadOnlyList<(UInt128 Address, int PrefixLength)>>? addresses6Of = null)
        : this(settings, loggerFactory, timeProvider, (name, _) => openLink(name), addressesOf, addresses6Of, 1)
    {
    }

    private Director(
        DirectorSettings settings,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        Func<string, AfPacketOptions, ILink> openLink,
        Func<string, IReadOnlyList<(uint Address, int PrefixLength)>> addressesOf,
        Func<string, IReadOnlyList<(UInt128 Address, int PrefixLength)>>? addresses6Of,
        int defaultWorkers)
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
        _defaultWorkers = defaultWorkers;
        _addressesOf = addressesOf;
        _addresses6Of = addresses6Of ?? (_ => []);
        Services = new ServiceTable(loggerFactory.CreateLogger<ServiceTable>());
        _timeouts = settings.Timeouts;
    }

    public ServiceTable Services { get; }

    /// <summary>The first running worker (null before <see cref="Start"/>), for tests.</summary>
    internal PacketWorker? Worker => _workers.Length > 0 ? _workers[0].Worker : null;

    /// <summary>The running workers (empty before <see cref="Start"/>), for tests.</summary>
    internal IReadOnlyList<PacketWorker> Workers => [.. _workers.Select(w => w.Worker)];

    /// <summary>Packet workers running (0 before <see cref="Start"/>).</summary>
    public int WorkerCount => _workers.Length;

    /// <summary>Each worker's counters, by worker number.</summary>
    public IReadOnlyList<DataPathCounters> WorkerCounters => [.. _workers.Select(w => w.Worker.Counters)];

    /// <summary>Each worker's sockets' counters (one per interface), by worker number.</summary>
    public IReadOnlyList<IReadOnlyList<(string Interface, LinkCounters Counters)>> WorkerLinkCounters =>
        [.. _workers.Select(w => (IReadOnlyList<(string, LinkCounters)>)[.. w.Links.Select(l => (l.Name, l.Counters))])];

    /// <summary>The CPU each worker is pinned to (null: not pinned), by worker number.</summary>
    public IReadOnlyList<int?> WorkerCpus => [.. _workers.Select(w => w.Cpu)];

    /// <summary>Every data-path counter summed over the workers.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> CounterTotals() => DataPathCounters.Sum(_workers.Select(w => w.Worker.Counters));

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
            foreach (var worker in _workers)
            {
                worker.Worker.Post(w =>
                {
                    w.Connections.SetTimeouts(updated);
                    w.Connections6.SetTimeouts(updated);
                });
            }
        }

        error = null;
        return true;
    }

    /// <summary>
    /// Copies every connection, template and one-packet entry of every running worker (the data source of
    /// ipvsadm -L -c). Each copy runs on its worker's thread between batches; waits for all of them; empty when the
    /// director is not running.
    /// </summary>
    public IReadOnlyList<ConnectionSnapshot> SnapshotConnections()
    {
        var workers = _workers;
        if (workers.Length == 0)
        {
            return [];
        }

        var copies = new Task<IReadOnlyList<ConnectionSnapshot>>[workers.Length];
        for (var i = 0; i < workers.Length; i++)
        {
            var done = new TaskCompletionSource<IReadOnlyList<ConnectionSnapshot>>(TaskCreationOptions.RunContinuationsAsynchronously);
            workers[i].Worker.Post(w => done.TrySetResult(Copy(w)));
            copies[i] = done.Task;
        }

        if (!Task.WaitAll(copies, SnapshotWait))
        {
            throw new TimeoutException("A packet worker did not answer.");
        }

        return workers.Length == 1 ? copies[0].Result : [.. copies.SelectMany(c => c.Result)];
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
    public bool IsWorkerAlive
    {
        get
        {
            var workers = _workers;
            if (workers.Length == 0)
            {
                return false;
            }

            var now = NowMs();
            return workers.All(w => w.IsRunning && now - w.LastLoopMs < WorkerStallMs);
        }
    }

    /// <summary>
    /// The director's own addresses on <paramref name="interfaceName"/> (from the configuration), used instead of
    /// the kernel's for each family they contain: ARP and Neighbor Solicitation sources, the tunnel's outer source,
    /// on-link prefixes. Call before <see cref="Start"/>.
    /// </summary>
    public void UseInterfaceAddresses(string interfaceName, IEnumerable<(IPAddress Address, int PrefixLength)> addresses)
    {
        ArgumentException.ThrowIfNullOrEmpty(interfaceName);
        ArgumentNullException.ThrowIfNull(addresses);
        if (_workers.Length > 0)
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

    /// <summary>Opens the links, starts the packet workers; worker 0 announces the VIPs.</summary>
    public void Start()
    {
        if (_workers.Length > 0)
        {
            throw new InvalidOperationException("The director is already running.");
        }

        var workerCount = Math.Clamp(_settings.Workers ?? _defaultWorkers, 1, MaxWorkers);
        var interfaces = _settings.Interfaces;
        foreach (var name in interfaces)
        {
            if (_settings.DisableOffloads)
            {
                InterfaceOffloads.DisableForwardingOffloads(name);
            }
        }

        var views = interfaces.Select(ReadInterface).ToArray();
        var groups = new ushort?[interfaces.Count];
        var workers = new PacketWorker[workerCount];
        var threads = new PacketWorkerThread[workerCount];
        try
        {
            for (var w = 0; w < workerCount; w++)
            {
                var contexts = new LinkContext[interfaces.Count];
                for (var i = 0; i < contexts.Length; i++)
                {
                    contexts[i] = OpenLinkContext(i, w, workerCount, groups, views[i]);
                }

                var table = new ConnectionTable(_settings.ConnectionTableSize, Timeouts, Environment.TickCount + w);
                var table6 = new Ipv6ConnectionTable(
                    _settings.Ipv6ConnectionTableSize ?? Math.Max(1024, _settings.ConnectionTableSize / 4), Timeouts, Environment.TickCount ^ (0x5EED + w));
                workers[w] = new PacketWorker(contexts, Services, table, new DataPathCounters(), _settings.Options, table6)
                {
                    Ownership = VipOwnership,
                    Index = w,
                };
                var cpu = _settings.WorkerCpus is { Count: > 0 } cpus ? cpus[w % cpus.Count] : (int?)null;
                threads[w] = new PacketWorkerThread(workers[w], [.. contexts.Select(c => c.Link)], NowMs, _logger, cpu);
            }

            if (workerCount > 1)
            {
                workers[0].Peers = workers[1..];
                _steeredLinks = [.. threads[0].Links.OfType<AfPacketLink>()];
                Services.Publishing += Steer;
                Steer(Services.Current);
            }
        }
        catch
        {
            Services.Publishing -= Steer;
            CloseLinks();
            throw;
        }

        _kernelBypass = _startKernelBypass(_settings.Interfaces, Services);
        _workers = threads;
        foreach (var thread in threads)
        {
            thread.Start();
        }

        DirectorLog.Started(_logger, interfaces.Count, workerCount, _settings.ConnectionTableSize);
    }

    /// <summary>Stops the workers and closes the links.</summary>
    public void Stop()
    {
        Services.Publishing -= Steer;
        _kernelBypass?.Dispose();
        _kernelBypass = null;
        var workers = _workers;
        foreach (var worker in workers)
        {
            worker.RequestStop();
        }

        foreach (var worker in workers)
        {
            worker.Join(TimeSpan.FromSeconds(5));
        }

        if (_logger.IsEnabled(LogLevel.Information) && workers.Length > 0)
        {
            var totals = CounterTotals();
            var nonZero = string.Join(' ', totals.Where(c => c.Value != 0).Select(c => $"{c.Key}={c.Value}"));
            var received = totals.First(c => c.Key == "received").Value;
            var forwarded = totals.First(c => c.Key == "forwarded").Value;
            DirectorLog.Stopped(_logger, received, forwarded, nonZero);
        }

        _workers = [];
        _steeredLinks = [];
        _steeredVersion = -1;
        CloseLinks();
    }

    public void Dispose()
    {
        if (_workers.Length > 0)
        {
            Stop();
        }
    }

    // One socket of worker w on interface i. With several workers the first socket of each interface creates its
    // fanout group and the others join it in worker order, which is the order the kernel numbers them in.
    private LinkContext OpenLinkContext(
        int i, int w, int workerCount, ushort?[] groups,
        (IReadOnlyList<(uint Address, int PrefixLength)>, IReadOnlyList<(UInt128 Address, int PrefixLength)>, Route[], Route6[]) view)
    {
        var name = _settings.Interfaces[i];
        var options = workerCount == 1
            ? AfPacketOptions.Default
            : AfPacketOptions.Default with
            {
                FanoutMode = FanoutMode.Program,
                CreateFanoutGroup = w == 0,
                FanoutGroupId = w == 0 ? null : groups[i],
            };
        var link = _openLink(name, options);
        _links.Add(link);
        if (w == 0 && link is AfPacketLink { FanoutGroupId: { } group })
        {
            groups[i] = group;
        }

        var (addresses, addresses6, routes, routes6) = view;
        var reachableMs = (long)_settings.NeighborTimeout.TotalMilliseconds;
        var context = new LinkContext(i, link, addresses, addresses6, new NeighborTable(reachableMs: reachableMs), new Ipv6NeighborTable(reachableMs: reachableMs))
        {
            Routes = routes,
            Routes6 = routes6,
        };
        if (w == 0 && _logger.IsEnabled(LogLevel.Information))
        {
            var ipv6 = Ipv6Address.Format(context.PrimaryAddress6);
            var linkLocal = Ipv6Address.Format(context.LinkLocalAddress6);
            DirectorLog.LinkOpened(_logger, name, link.HardwareAddress, link.Mtu, addresses.Count, ipv6, linkLocal);
        }

        return context;
    }

    // An interface's addresses and gateway routes, read once at start for all the workers' sockets on it.
    private (IReadOnlyList<(uint Address, int PrefixLength)> Addresses, IReadOnlyList<(UInt128 Address, int PrefixLength)> Addresses6, Route[] Routes, Route6[] Routes6)
        ReadInterface(string name)
    {
        IReadOnlyList<(uint Address, int PrefixLength)> addresses = _configured4.TryGetValue(name, out var configured4) ? configured4 : _addressesOf(name);
        IReadOnlyList<(UInt128 Address, int PrefixLength)> addresses6 = _addresses6Of(name);
        if (_configured6.TryGetValue(name, out var configured6))
        {
            // The kernel's fe80:: address stays unless the configuration names one: it is what the neighbours know.
            addresses6 = configured6.Any(a => Ipv6Address.IsLinkLocal(a.Address))
                ? configured6
                : [.. configured6, .. addresses6.Where(a => Ipv6Address.IsLinkLocal(a.Address))];
        }

        return (addresses, addresses6, _routesOf(name), _routes6Of(name));
    }

    // Runs under the service table's lock before a new snapshot is visible to the workers (and once at start). The
    // start-up call reads Current outside that lock, so it may come after a newer snapshot's install: the newest wins.
    private void Steer(ServiceTableSnapshot snapshot)
    {
        lock (_steerGate)
        {
            if (snapshot.Version < _steeredVersion)
            {
                return;
            }

            _steeredVersion = snapshot.Version;
            InstallSteering(snapshot);
        }
    }

    private void InstallSteering(ServiceTableSnapshot snapshot)
    {
        var program = WorkerSteeringProgram.Build(snapshot);
        if (program.Length > ClassicBpfInstruction.MaxInstructions)
        {
            DirectorLog.SteeringTooLarge(_logger, program.Length);
            program = WorkerSteeringProgram.AllToWorkerZero;
        }

        foreach (var link in _steeredLinks)
        {
            try
            {
                link.SetFanoutProgram(program);
            }
#pragma warning disable CA1031 // A failed install must not fail the configuration change that triggered it; it is logged.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                DirectorLog.SteeringFailed(_logger, link.Name, ex);
            }
        }
    }

    private void CloseLinks()
    {
        foreach (var link in _links)
        {
            link.Dispose();
        }

        _links.Clear();
    }

    private long NowMs() => (long)_time.GetElapsedTime(0, _time.GetTimestamp()).TotalMilliseconds;
}
