using LvsDirector.Connections;
using LvsDirector.Io;
using LvsDirector.Neighbors;
using LvsDirector.Services;
using Microsoft.Extensions.Logging;

namespace LvsDirector.DataPath;

/// <summary>The running director: links, the packet worker, neighbour resolution and the service table they share.</summary>
public sealed class Director : IDisposable
{
    private const int PollTimeoutMs = 10;

    private readonly DirectorSettings _settings;
    private readonly ILogger<Director> _logger;
    private readonly TimeProvider _time;
    private readonly Func<string, ILink> _openLink;
    private readonly Func<string, IReadOnlyList<(uint Address, int PrefixLength)>> _addressesOf;
    private readonly List<ILink> _links = [];
    private Thread? _thread;
    private volatile bool _stopping;
    private PacketWorker? _worker;

    public Director(DirectorSettings settings, ILoggerFactory loggerFactory, TimeProvider timeProvider)
        : this(settings, loggerFactory, timeProvider, OpenPacketLink, AfPacketLink.GetIpv4Addresses)
    {
    }

    /// <summary>Lets tests run the whole director over in-memory links.</summary>
    internal Director(
        DirectorSettings settings,
        ILoggerFactory loggerFactory,
        TimeProvider timeProvider,
        Func<string, ILink> openLink,
        Func<string, IReadOnlyList<(uint Address, int PrefixLength)>> addressesOf)
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
        Services = new ServiceTable(loggerFactory.CreateLogger<ServiceTable>());
        Counters = new DataPathCounters();
    }

    public ServiceTable Services { get; }

    public DataPathCounters Counters { get; }

    public IReadOnlyList<string> Interfaces => _settings.Interfaces;

    /// <summary>Connection table size, as ipvsadm prints it in "(size=N)".</summary>
    public int ConnectionTableSize => _settings.ConnectionTableSize;

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
            var addresses = _addressesOf(name);
            contexts[i] = new LinkContext(i, link, addresses, new NeighborTable(reachableMs: (long)_settings.NeighborTimeout.TotalMilliseconds));
            DirectorLog.LinkOpened(_logger, name, link.HardwareAddress, link.Mtu, addresses.Count);
        }

        var table = new ConnectionTable(_settings.ConnectionTableSize, new ConnectionTimeouts(), Environment.TickCount);
        _worker = new PacketWorker(contexts, Services, table, Counters);
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

    private long NowMs() => (long)_time.GetElapsedTime(0, _time.GetTimestamp()).TotalMilliseconds;

    private void Run()
    {
        var worker = _worker!;
        var waiter = new LinkWaiter(_links);
        var single = _links.Count == 1;
        try
        {
            while (!_stopping)
            {
                worker.NowMs = NowMs();
                if (worker.PollOnce(single ? PollTimeoutMs : 0) == 0 && !single)
                {
                    waiter.Wait(PollTimeoutMs);
                }

                worker.NowMs = NowMs();
                worker.MaybeHeartbeat();
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
