using LvsDirector.Interop.Linux;
using LvsDirector.Io;
using Microsoft.Extensions.Logging;

namespace LvsDirector.DataPath;

/// <summary>
/// The dedicated thread of one packet worker: polls the worker's own sockets (one per interface, each a member of
/// the interface's fanout group), runs control commands and the heartbeat between batches, and logs contained
/// faults at a bounded rate. Optionally pinned to one CPU.
/// </summary>
internal sealed class PacketWorkerThread
{
    private const int PollTimeoutMs = 10;
    private const long FaultLogIntervalMs = 10_000;

    private readonly PacketWorker _worker;
    private readonly IReadOnlyList<ILink> _links;
    private readonly Func<long> _nowMs;
    private readonly ILogger _logger;
    private readonly int? _cpu;
    private Thread? _thread;
    private volatile bool _stopping;
    private long _lastLoopMs;
    private long _faultsLogged;
    private long _nextFaultLogMs;

    public PacketWorkerThread(PacketWorker worker, IReadOnlyList<ILink> links, Func<long> nowMs, ILogger logger, int? cpu)
    {
        _worker = worker;
        _links = links;
        _nowMs = nowMs;
        _logger = logger;
        _cpu = cpu;
    }

    public PacketWorker Worker => _worker;

    public IReadOnlyList<ILink> Links => _links;

    /// <summary>The CPU the thread is pinned to, or null.</summary>
    public int? Cpu => _cpu;

    /// <summary>Worker time of the last loop; the thread wakes at least every poll timeout even when idle.</summary>
    public long LastLoopMs => Volatile.Read(ref _lastLoopMs);

    public bool IsRunning => _thread is { IsAlive: true };

    public void Start()
    {
        Volatile.Write(ref _lastLoopMs, _nowMs());
        _thread = new Thread(Run) { IsBackground = true, Name = $"lvsd-worker-{_worker.Index}", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    public void RequestStop() => _stopping = true;

    public void Join(TimeSpan timeout) => _thread?.Join(timeout);

    // Fully optimised from the start: this loop never returns, so tiering it up would take on-stack replacement,
    // which allocates on the worker's thread once, in the middle of traffic.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Run()
    {
        if (_cpu is { } cpu && !PinTo(cpu, out var errno))
        {
            DirectorLog.PinningFailed(_logger, _worker.Index, cpu, errno);
        }

        var worker = _worker;
        var waiter = new LinkWaiter(_links);
        var single = _links.Count == 1;
        var busy = false;
        try
        {
            while (!_stopping)
            {
                worker.NowMs = _nowMs();
                Volatile.Write(ref _lastLoopMs, worker.NowMs);

                // After a nap the frames are waiting: poll without blocking.
                var handled = worker.PollOnce(single && !busy ? PollTimeoutMs : 0);
                busy = waiter.NapIfBusy(handled);
                if (handled == 0 && !single)
                {
                    waiter.Wait(PollTimeoutMs);
                }

                worker.NowMs = _nowMs();
                worker.MaybeHeartbeat();
                if (worker.TakeFault() is { } fault)
                {
                    ReportFault(fault);
                }
            }
        }
#pragma warning disable CA1031 // The worker thread must log and end, not take the process down silently.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            DirectorLog.WorkerFailed(_logger, _worker.Index, ex);
        }
    }

    // At most one line per FaultLogIntervalMs, however many frames throw: a crafted flood must not flood the journal.
    private void ReportFault(Exception fault)
    {
        if (_worker.NowMs < _nextFaultLogMs)
        {
            return;
        }

        _nextFaultLogMs = _worker.NowMs + FaultLogIntervalMs;
        var total = _worker.Counters.InternalErrorCount;
        DirectorLog.FrameFault(_logger, _worker.Index, total - _faultsLogged, fault);
        _faultsLogged = total;
    }

    private static unsafe bool PinTo(int cpu, out int errno)
    {
        // cpu_set_t of 1,024 CPUs, as glibc sizes it.
        var mask = stackalloc ulong[16];
        new Span<ulong>(mask, 16).Clear();
        mask[cpu / 64] |= 1UL << (cpu % 64);
        if (Libc.SchedSetAffinity(0, 16 * sizeof(ulong), mask) == 0)
        {
            errno = 0;
            return true;
        }

        errno = Errno.Last;
        return false;
    }
}
