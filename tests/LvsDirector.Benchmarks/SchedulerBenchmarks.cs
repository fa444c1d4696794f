using BenchmarkDotNet.Attributes;
using LvsDirector.Scheduling;

namespace LvsDirector.Benchmarks;

/// <summary>One Schedule call per operation, single thread, for rr and wrr over N destinations.</summary>
[MemoryDiagnoser]
public class SchedulerBenchmarks
{
    private readonly RoundRobinScheduler _rr = new();
    private readonly WeightedRoundRobinScheduler _wrr = new();
    private ScheduleInput _input;

    [Params(10, 100, 1000)]
    public int Servers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var destinations = new SchedulerDestination[Servers];
        for (int i = 0; i < Servers; i++)
        {
            // Weights 1..5 give wrr several passes per cycle, as a mixed pool would.
            destinations[i] = new BenchmarkDestination(0xC6120100u + (uint)i, 80, 1 + (i % 5));
        }

        _rr.Update(destinations);
        _wrr.Update(destinations);
        _input = new ScheduleInput(0xC6130001, 0xC6120064, 40000, 80, 6);
    }

    [Benchmark]
    public SchedulerDestination? RoundRobin() => _rr.Schedule(in _input);

    [Benchmark]
    public SchedulerDestination? WeightedRoundRobin() => _wrr.Schedule(in _input);
}
