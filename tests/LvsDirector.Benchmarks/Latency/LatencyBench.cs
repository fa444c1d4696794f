using System.Diagnostics;
using System.Globalization;
using LvsDirector.Interop.Linux;
using LvsDirector.Io;
using Microsoft.Win32.SafeHandles;

namespace LvsDirector.Benchmarks.Latency;

/// <summary>
/// `-- latency [--seconds S] [--rounds R] [--rates 100,1000,10000,flood] [--rx NAMES] [--tx NAMES] [--size BYTES]`
/// (root): how long a frame sent into one end of a veth pair takes to reach an AfPacketLink sink on the other end,
/// per receive-ring candidate and load, plus the receiving thread's CPU use, its idle CPU use, and flood throughput.
/// Candidates run in turn within each round and the rounds' medians are printed, so a busy machine disturbs every
/// candidate alike. `--tx` compares the senders (sendmmsg, PACKET_QDISC_BYPASS, PACKET_TX_RING) into a V2 receiver.
/// </summary>
internal static partial class LatencyBench
{
    private const int SampleCapacity = 4_000_000;

    private static readonly string[] DefaultRx = ["v3-2ms", "v3-1ms", "v3-64k", "v2", "v2-busypoll", "v2-spin50", "v2-fifo"];
    private static readonly string[] AllTx = ["sendmmsg", "sendmmsg-bypass", "txring", "txring-bypass"];

    public static void Run(string[] args)
    {
        var seconds = 2.0;
        var rounds = 3;
        var rates = new[] { "100", "1000", "10000", "flood" };
        var rx = DefaultRx;
        string[] tx = [];
        var size = 64;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--seconds": seconds = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rates": rates = args[++i].Split(','); break;
                case "--rx": rx = args[++i].Split(','); break;
                case "--tx": tx = args[++i] == "all" ? AllTx : args[i].Split(','); break;
                case "--size": size = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException("unknown argument " + args[i]);
            }
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("latency needs root (a network namespace and AF_PACKET sockets)");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency: {DateTime.UtcNow:yyyy-MM-ddTHH:mm}Z, {Environment.ProcessorCount} CPUs, {seconds} s per point, {rounds} rounds, {size}-byte frames, load {LoadAverage()}"));
        using var ns = VethNamespace.Create();
        if (rx.Length > 0)
        {
            var results = new Dictionary<(string, string), List<Point>>();
            var idle = new Dictionary<string, List<double>>();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var name in rx)
                {
                    var candidate = RxCandidate.Parse(name);
                    idle.TryAdd(name, []);
                    idle[name].Add(MeasureIdle(ns, candidate, seconds));
                    foreach (var rate in rates)
                    {
                        var key = (name, rate);
                        results.TryAdd(key, []);
                        results[key].Add(Measure(ns, candidate, "sendmmsg", rate, seconds, size, senderCpu: false));
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1}/{rounds} done, load {LoadAverage()}"));
            }

            Print("receive ring", rx, rates, results, idle);
        }

        if (tx.Length > 0)
        {
            var results = new Dictionary<(string, string), List<Point>>();
            var receiver = RxCandidate.Parse("v2");
            for (var round = 0; round < rounds; round++)
            {
                foreach (var sender in tx)
                {
                    foreach (var rate in rates)
                    {
                        var key = (sender, rate);
                        results.TryAdd(key, []);
                        results[key].Add(Measure(ns, receiver, sender, rate, seconds, size, senderCpu: true));
                    }
                }

                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  round {round + 1}/{rounds} done, load {LoadAverage()}"));
            }

            Print("sender (into a v2 ring)", tx, rates, results, idle: null);
        }

        Console.WriteLine("load after: " + LoadAverage());
    }

    private static void Print(
        string title, string[] names, string[] rates, Dictionary<(string, string), List<Point>> results, Dictionary<string, List<double>>? idle)
    {
        Console.WriteLine();
        Console.WriteLine($"{title}: one-way µs p50 / p99 / p99.9 (medians over rounds); frames/s received; CPU % of the thread that receives (or sends, for a sender)");
        Console.WriteLine("| candidate | load | p50 | p99 | p99.9 | max | frames/s | CPU % | drops | corrupt |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var name in names)
        {
            if (idle is not null)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | none | | | | | 0 | {Median(idle[name]):F2} | | |"));
            }

            foreach (var rate in rates)
            {
                var points = results[(name, rate)];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {rate}{(rate == "flood" ? string.Empty : "/s")} | {Median(points, p => p.P50):F1} | {Median(points, p => p.P99):F1} | {Median(points, p => p.P999):F1} | {Median(points, p => p.Max):F0} | {Median(points, p => p.FramesPerSecond):F0} | {Median(points, p => p.CpuPercent):F1} | {points.Sum(p => p.Drops)} | {points.Sum(p => p.Corrupt)} |"));
            }
        }
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }

    private static double Median(List<Point> points, Func<Point, double> value) => Median(points.Select(value).ToList());

    /// <summary>CPU % of the receiving loop with no traffic at all: spinning shows here.</summary>
    private static double MeasureIdle(VethNamespace ns, RxCandidate candidate, double seconds)
    {
        using var link = ns.Enter(() => AfPacketLink.Open(VethNamespace.B, candidate.Options));
        candidate.Configure(link);
        using var receiver = new Receiver(link, candidate, new StampSink(16));
        Thread.Sleep(100);
        var before = receiver.CpuTicks();
        Thread.Sleep(TimeSpan.FromSeconds(seconds));
        return (receiver.CpuTicks() - before) * 100.0 / (TicksPerSecond * seconds);
    }

    private static Point Measure(VethNamespace ns, RxCandidate candidate, string senderKind, string rate, double seconds, int size, bool senderCpu)
    {
        using var link = ns.Enter(() => AfPacketLink.Open(VethNamespace.B, candidate.Options));
        candidate.Configure(link);
        var sink = new StampSink(SampleCapacity);
        using var receiver = new Receiver(link, candidate, sink);
        using var sender = ns.Enter(() => Sender.Open(senderKind));
        var frame = StampedFrames.Create(size);
        var flood = rate == "flood";
        var perSecond = flood ? 0 : int.Parse(rate, CultureInfo.InvariantCulture);
        var burst = flood ? 64 : Math.Max(1, perSecond / 1000);
        var sleepMs = flood ? 0 : perSecond >= 1000 ? 1 : 1000 / perSecond;

        // Warm up the JIT and the ring, then measure from a clean sink.
        for (var i = 0; i < 200; i++)
        {
            StampedFrames.Stamp(frame);
            sender.TrySend(frame);
            sender.Flush();
        }

        Thread.Sleep(200);
        sink.Reset();
        var dropsBefore = link.Counters.RxDropped;
        var cpuBefore = senderCpu ? ThreadCpuTicks("thread-self") : receiver.CpuTicks();
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < end)
        {
            for (var i = 0; i < burst; i++)
            {
                StampedFrames.Stamp(frame);
                sender.TrySend(frame);
                if (!flood)
                {
                    // One frame per system call: a paced frame must find the receiver as it is, not in a batch.
                    sender.Flush();
                }
            }

            sender.Flush();
            if (sleepMs > 0)
            {
                Thread.Sleep(sleepMs);
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var cpuAfter = senderCpu ? ThreadCpuTicks("thread-self") : receiver.CpuTicks();

        // Stragglers: a block ring hands its last block over only when the retire timer fires.
        Thread.Sleep(100);
        var latencies = sink.SortedMicroseconds();
        if (latencies.Length == 0)
        {
            return new Point(double.NaN, double.NaN, double.NaN, double.NaN, 0, 0, 0, 0);
        }

        double At(double q) => latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))];
        return new Point(
            At(0.5), At(0.99), At(0.999), latencies[^1], latencies.Length / elapsed,
            (cpuAfter - cpuBefore) * 100.0 / (TicksPerSecond * elapsed), link.Counters.RxDropped - dropsBefore, sink.Corrupt);
    }

    private static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];

    // USER_HZ: /proc reports thread CPU time in these ticks on Linux.
    private const double TicksPerSecond = 100;

    /// <summary>utime + stime of /proc/self/task/TID/stat (or /proc/thread-self/stat).</summary>
    internal static long ThreadCpuTicks(string thread)
    {
        var path = thread == "thread-self" ? "/proc/thread-self/stat" : $"/proc/self/task/{thread}/stat";
        var stat = File.ReadAllText(path);
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private readonly record struct Point(double P50, double P99, double P999, double Max, double FramesPerSecond, double CpuPercent, long Drops, int Corrupt);

    /// <summary>A receive-side candidate: ring options, plus socket options or a user-space spin before sleeping.</summary>
    private sealed record RxCandidate(
        string Name, AfPacketOptions Options, int BusyPollMicroseconds, int SpinMicroseconds, bool RealTime = false, int BusyBatch = 1, int NapMicroseconds = 0)
    {
        public static RxCandidate Parse(string name) => name switch
        {
            "v3-2ms" => new(name, new AfPacketOptions { Ring = AfPacketRing.Blocks, BlockRetireTimeoutMs = 2 }, 0, 0),
            "v3-1ms" => new(name, new AfPacketOptions { Ring = AfPacketRing.Blocks, BlockRetireTimeoutMs = 1 }, 0, 0),
            "v3-64k" => new(name, new AfPacketOptions { Ring = AfPacketRing.Blocks, BlockSize = 64 * 1024, BlockCount = 256, BlockRetireTimeoutMs = 1 }, 0, 0),
            "v2" => new(name, new AfPacketOptions(), 0, 0),
            "v2-busypoll" => new(name, new AfPacketOptions(), 50, 0),
            "v2-fifo" => new(name, new AfPacketOptions(), 0, 0, RealTime: true),
            "v2-busy16" => new(name, new AfPacketOptions(), 0, 50, BusyBatch: 16),
            "v2-nap16" => new(name, new AfPacketOptions(), 0, 0, BusyBatch: 16, NapMicroseconds: 50),
            _ when name.StartsWith("v2-spin", StringComparison.Ordinal) =>
                new(name, new AfPacketOptions(), 0, int.Parse(name["v2-spin".Length..], CultureInfo.InvariantCulture)),
            _ => throw new ArgumentException("unknown receive candidate " + name),
        };

        public unsafe void Configure(AfPacketLink link)
        {
            if (BusyPollMicroseconds == 0)
            {
                return;
            }

            // SO_BUSY_POLL and SO_PREFER_BUSY_POLL (69) on the socket only; net.core.busy_poll, which poll() itself
            // consults, is a machine-wide knob this benchmark leaves alone.
            using var handle = new SafeFileHandle(link.Descriptor, ownsHandle: false);
            var value = BusyPollMicroseconds;
            var one = 1;
            _ = Libc.SetSockOpt(handle, LinuxConstants.SolSocket, LinuxConstants.SoBusyPoll, &value, sizeof(int));
            _ = Libc.SetSockOpt(handle, LinuxConstants.SolSocket, 69, &one, sizeof(int));
        }
    }

    /// <summary>The receiving loop on its own thread, shaped like Director.Run for one link.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly Thread thread;
        private readonly AfPacketLink link;
        private readonly RxCandidate candidate;
        private readonly IFrameSink sink;
        private readonly ManualResetEventSlim started = new();
        private volatile bool stopping;
        private string tid = "thread-self";

        public Receiver(AfPacketLink link, RxCandidate candidate, IFrameSink sink)
        {
            this.link = link;
            this.candidate = candidate;
            this.sink = sink;
            thread = new Thread(Loop) { IsBackground = true, Name = "latency-rx" };
            thread.Start();
            started.Wait();
            if (candidate.RealTime)
            {
                // SCHED_FIFO 1 for the receiving thread alone: it then preempts every ordinary thread when woken.
                using var chrt = Process.Start("chrt", ["-f", "-p", "1", tid])!;
                chrt.WaitForExit();
                if (chrt.ExitCode != 0)
                {
                    throw new InvalidOperationException("chrt -f -p 1 " + tid + " failed");
                }
            }
        }

        public long CpuTicks() => ThreadCpuTicks(tid);

        public void Dispose()
        {
            stopping = true;
            thread.Join();
            started.Dispose();
        }

        private void Loop()
        {
            var self = File.ReadAllText("/proc/thread-self/stat");
            tid = self[..self.IndexOf(' ', StringComparison.Ordinal)];
            started.Set();
            var spinTicks = candidate.SpinMicroseconds * Stopwatch.Frequency / 1_000_000;
            var busy = false;
            while (!stopping)
            {
                var delivered = link.Poll(sink, busy ? 0 : 10);
                if (candidate.NapMicroseconds > 0)
                {
                    // Coalescing under load: after a full batch, sleep briefly instead of waiting on the socket, so
                    // the kernel wakes nobody per frame and the next Poll finds a batch.
                    busy = delivered >= candidate.BusyBatch;
                    if (busy)
                    {
                        _ = USleep((uint)candidate.NapMicroseconds);
                    }

                    continue;
                }

                if (delivered >= candidate.BusyBatch && spinTicks > 0)
                {
                    // Spin only after traffic: a frame soon after the last one is caught without a wake-up; idle sleeps.
                    var deadline = Stopwatch.GetTimestamp() + spinTicks;
                    while (!stopping && Stopwatch.GetTimestamp() < deadline)
                    {
                        if (link.Poll(sink, 0) > 0)
                        {
                            deadline = Stopwatch.GetTimestamp() + spinTicks;
                        }
                        else
                        {
                            Thread.SpinWait(1);
                        }
                    }
                }
            }
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc.so.6", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);

    /// <summary>The sending side: AfPacketLink's sendmmsg, optionally with PACKET_QDISC_BYPASS, or a PACKET_TX_RING.</summary>
    private sealed class Sender : IDisposable
    {
        private readonly AfPacketLink? link;
        private readonly TxRingSender? ring;

        private Sender(AfPacketLink? link, TxRingSender? ring)
        {
            this.link = link;
            this.ring = ring;
        }

        public static unsafe Sender Open(string kind)
        {
            switch (kind)
            {
                case "txring":
                case "txring-bypass":
                    return new Sender(null, TxRingSender.Open(VethNamespace.A, kind.EndsWith("bypass", StringComparison.Ordinal)));
                case "sendmmsg":
                case "sendmmsg-bypass":
                    // The sender's own ring is never read: keep it small.
                    var link = AfPacketLink.Open(VethNamespace.A, new AfPacketOptions { FrameCount = 64 });
                    if (kind.EndsWith("bypass", StringComparison.Ordinal))
                    {
                        using var handle = new SafeFileHandle(link.Descriptor, ownsHandle: false);
                        var one = 1;
                        if (Libc.SetSockOpt(handle, LinuxConstants.SolPacket, LinuxConstants.PacketQdiscBypass, &one, sizeof(int)) != 0)
                        {
                            throw new IOException("PACKET_QDISC_BYPASS: " + Errno.Describe(Errno.Last));
                        }
                    }

                    return new Sender(link, null);
                default:
                    throw new ArgumentException("unknown sender " + kind);
            }
        }

        public void TrySend(ReadOnlySpan<byte> frame)
        {
            if (link is not null)
            {
                link.TrySend(frame);
            }
            else
            {
                ring!.TrySend(frame);
            }
        }

        public void Flush()
        {
            link?.Flush();
            ring?.Flush();
        }

        public void Dispose()
        {
            link?.Dispose();
            ring?.Dispose();
        }
    }
}
