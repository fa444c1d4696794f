using LvsDirector.DataPath;
using LvsDirector.HighAvailability;

namespace LvsDirector.Daemon.Web;

/// <summary>Turns the director's live service table into a <see cref="StatusDocument"/>.</summary>
internal static class StatusSnapshot
{
    public static StatusDocument Take(Director director, TimeProvider time, VrrpInstance? vrrp = null)
    {
        var table = director.Services.Current;
        var services = new List<StatusService>(table.Services.Count);
        foreach (var s in table.Services)
        {
            var servers = new List<StatusServer>(s.Servers.Count);
            int active = 0, inactive = 0;
            foreach (var r in s.Servers)
            {
                var rr = r.Stats.Rates.Read();
                active += r.ActiveConnections;
                inactive += r.InactiveConnections;
                servers.Add(new StatusServer(
                    r.IPAddress.ToString(), r.Port, ServiceLabels.Method(r), r.Weight, ServerHealth.Of(r), r.IsOverloaded,
                    r.ActiveConnections, r.InactiveConnections, r.PersistentConnections, r.Stats.Connections,
                    rr.ConnectionsPerSecond, rr.InPacketsPerSecond, rr.OutPacketsPerSecond, r.IsSorryServer));
            }

            var sr = s.Stats.Rates.Read();
            services.Add(new StatusService(
                ServiceLabels.Display(s), ServiceLabels.Protocol(s), ServiceLabels.Vip(s), s.Port, s.Fwmark, s.Scheduler.Name,
                s.Stats.Connections, active, inactive,
                sr.ConnectionsPerSecond, sr.InPacketsPerSecond, sr.OutPacketsPerSecond, sr.InBytesPerSecond, sr.OutBytesPerSecond,
                servers));
        }

        var vrrpState = vrrp is null
            ? null
            : $"VR {vrrp.Settings.VirtualRouterId} on {vrrp.Settings.Interface}: {VrrpInstance.Name(vrrp.State)}";
        var counters = director.WorkerCounters;
        var links = director.WorkerLinkCounters;
        var cpus = director.WorkerCpus;
        var workers = new List<StatusWorker>(counters.Count);
        for (var w = 0; w < counters.Count && w < links.Count && w < cpus.Count; w++)
        {
            workers.Add(new StatusWorker(w, cpus[w], counters[w].ReceivedFrames, counters[w].ForwardedFrames, links[w].Sum(l => l.Counters.RxDropped)));
        }

        return new StatusDocument(DaemonHost.Version, time.GetUtcNow(), table.Version, services, vrrpState, workers);
    }
}
