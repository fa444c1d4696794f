using LvsDirector.Scheduling;

namespace LvsDirector.Benchmarks;

public sealed class BenchmarkDestination(uint address, ushort port, int weight) : SchedulerDestination(address, port, weight);
