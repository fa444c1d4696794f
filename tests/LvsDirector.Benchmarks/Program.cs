using BenchmarkDotNet.Running;

namespace LvsDirector.Benchmarks;

internal static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "quick")
        {
            QuickDecisionTimer.Run(args);
            return;
        }

        if (args.Length > 0 && args[0] == "latency")
        {
            Latency.LatencyBench.Run(args);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
