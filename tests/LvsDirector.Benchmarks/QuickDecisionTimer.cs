using System.Diagnostics;
using System.Globalization;

namespace LvsDirector.Benchmarks;

/// <summary>
/// `-- quick [servers] [schedulers]`: the fastest of many short timed rounds of <see cref="SchedulerDecisionBenchmarks"/>
/// per scheduler, for comparing changes on a shared, loaded machine where the fastest round is the one least
/// disturbed. Not a replacement for the BenchmarkDotNet run recorded in docs/performance.md.
/// </summary>
internal static class QuickDecisionTimer
{
    public static void Run(string[] args)
    {
        var servers = args.Length > 1 ? args[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)) : [1000];
        var names = args.Length > 2 ? args[2].Split(',') : SchedulerDecisionBenchmarks.SchedulerNames();
        foreach (int count in servers)
        {
            foreach (string name in names)
            {
                var benchmark = new SchedulerDecisionBenchmarks { Servers = count, Scheduler = name };
                benchmark.Setup();
                double best = double.MaxValue;
                for (int round = 0; round < 1500; round++)
                {
                    long start = Stopwatch.GetTimestamp();
                    for (int i = 0; i < 2; i++)
                    {
                        benchmark.Decide();
                    }

                    double ns = Stopwatch.GetElapsedTime(start).TotalNanoseconds / (2.0 * 1024);
                    best = Math.Min(best, ns);
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count,6} {name,-11} {best,8:F1} ns"));
            }
        }
    }
}
