using System.Globalization;
using System.Text;
using LvsDirector.DataPath;

namespace LvsDirector.Daemon.Web;

/// <summary>
/// The lvsd_worker_* families: what each packet worker received and forwarded and what its sockets' rings dropped,
/// so an operator sees whether the fanout spreads the load and which worker falls behind.
/// </summary>
internal static class WorkerMetrics
{
    public static void Write(StringBuilder text, Director director)
    {
        var counters = director.WorkerCounters;
        var links = director.WorkerLinkCounters;
        PrometheusExporter.Family(text, "lvsd_worker_frames_total", "counter", "Frames each packet worker received and forwarded.");
        for (var w = 0; w < counters.Count; w++)
        {
            Sample(text, "lvsd_worker_frames_total", w, "result", "received", counters[w].ReceivedFrames);
            Sample(text, "lvsd_worker_frames_total", w, "result", "forwarded", counters[w].ForwardedFrames);
        }

        // The runtime's own counters: a gen-2 collection is a pause of every worker, and allocation should not grow with
        // traffic (the per-packet path allocates nothing).
        PrometheusExporter.Family(text, "lvsd_dotnet_gc_collections_total", "counter", "Garbage collections of lvsd's process since it started, by generation.");
        for (var generation = 0; generation <= 2; generation++)
        {
            text.Append("lvsd_dotnet_gc_collections_total{generation=\"").Append(generation.ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                .Append(GC.CollectionCount(generation).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        PrometheusExporter.Family(text, "lvsd_dotnet_allocated_bytes_total", "counter", "Bytes lvsd's process has allocated on the managed heap since it started.");
        text.Append("lvsd_dotnet_allocated_bytes_total{process=\"lvsd\"} ").Append(GC.GetTotalAllocatedBytes().ToString(CultureInfo.InvariantCulture)).Append('\n');

        PrometheusExporter.Family(text, "lvsd_worker_ring_drops_total", "counter", "Frames the kernel dropped because a worker's receive ring was full, by interface.");
        for (var w = 0; w < links.Count; w++)
        {
            foreach (var (name, link) in links[w])
            {
                Sample(text, "lvsd_worker_ring_drops_total", w, "interface", name, link.RxDropped);
            }
        }
    }

    private static void Sample(StringBuilder text, string name, int worker, string label, string value, long sample)
    {
        text.Append(name).Append("{worker=\"").Append(worker.ToString(CultureInfo.InvariantCulture)).Append("\",").Append(label).Append("=\"");
        PrometheusExporter.AppendLabelValue(text, value);
        text.Append("\"} ").Append(sample.ToString(CultureInfo.InvariantCulture)).Append('\n');
    }
}
