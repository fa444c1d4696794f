namespace LvsDirector.Daemon.Web;

/// <summary>
/// One packet worker in /status.json: its number (thread lvsd-worker-N), the CPU it is pinned to (null: none), the
/// frames it received and forwarded, and the frames its receive rings lost because it fell behind.
/// </summary>
internal sealed record StatusWorker(int Worker, int? Cpu, long Received, long Forwarded, long RingDrops);
