using BenchmarkDotNet.Attributes;
using LvsDirector.Scheduling;

namespace LvsDirector.Benchmarks;

/// <summary>
/// One scheduling decision per operation, single thread, for every registered scheduler over N servers. Each
/// decision is followed by what the connection table does around it: the chosen server gets an active connection
/// and one connection elsewhere goes inactive or closes, so the least-load schedulers see their counters move as
/// under real traffic. The "(counters)" row measures that bookkeeping alone, to subtract.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SchedulerDecisionBenchmarks
{
    public const string CountersOnly = "(counters)";

    private const int Batch = 1024;

    private Scheduler? _scheduler;
    private BenchmarkDestination[] _servers = null!;
    private ScheduleInput[] _inputs = null!;
    private int _next;

    [ParamsSource(nameof(ServerCounts))]
    public int Servers { get; set; }

    [ParamsSource(nameof(SchedulerNames))]
    public string Scheduler { get; set; } = "rr";

    /// <summary>10, 100, 1,000 and 10,000 servers, or the comma-separated list in LVSD_BENCH_SERVERS.</summary>
    public static IEnumerable<int> ServerCounts() =>
        Environment.GetEnvironmentVariable("LVSD_BENCH_SERVERS") is { Length: > 0 } list
            ? list.Split(',').Select(s => int.Parse(s, System.Globalization.CultureInfo.InvariantCulture))
            : [10, 100, 1000, 10000];

    /// <summary>Every scheduler plus the baseline, or the comma-separated list in LVSD_BENCH_SCHEDULERS.</summary>
    public static IEnumerable<string> SchedulerNames() =>
        Environment.GetEnvironmentVariable("LVSD_BENCH_SCHEDULERS") is { Length: > 0 } list
            ? list.Split(',')
            : SchedulerRegistry.Names.Order(StringComparer.Ordinal).Append(CountersOnly);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(17);
        _servers = new BenchmarkDestination[Servers];
        for (int i = 0; i < Servers; i++)
        {
            _servers[i] = new BenchmarkDestination(0xC6120100u + (uint)i, 80, 1 + (i % 5));
            _servers[i].AddActive(random.Next(1, 50));
            _servers[i].AddInactive(random.Next(0, 500));
        }

        _inputs = new ScheduleInput[4096];
        for (int i = 0; i < _inputs.Length; i++)
        {
            // 512 distinct virtual-side addresses keep lblc/lblcr in their cached steady state.
            _inputs[i] = new ScheduleInput((uint)random.Next(), 0xC6140000u + (uint)(i % 512), (ushort)random.Next(1024, 65536), 80, 6);
        }

        if (Scheduler != CountersOnly)
        {
            if (!SchedulerRegistry.TryCreate(Scheduler, SchedulerFlags.Fallback, out _scheduler))
            {
                throw new InvalidOperationException("Unknown scheduler " + Scheduler);
            }

            _scheduler.Update(_servers);
        }

        for (int i = 0; i < 20; i++)
        {
            Decide();
        }
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public int Decide()
    {
        var scheduler = _scheduler;
        var servers = _servers;
        var inputs = _inputs;
        int next = _next;
        int found = 0;
        for (int i = 0; i < Batch; i++)
        {
            next++;
            var picked = scheduler?.Schedule(in inputs[next & (inputs.Length - 1)]) ?? servers[next % servers.Length];
            if (picked is not null)
            {
                picked.AddActive(1);
                found++;
            }

            var closing = servers[(int)((uint)(next * 7919) % (uint)servers.Length)];
            if (closing.ActiveConnections > 0)
            {
                closing.AddActive(-1);
                closing.AddInactive(1);
            }
            else if (closing.InactiveConnections > 0)
            {
                closing.AddInactive(-1);
            }
        }

        _next = next;
        return found;
    }
}
