namespace LvsDirector.Configuration;

/// <summary>The data_path: section: how many packet workers run and where.</summary>
public sealed record DataPathConfiguration
{
    /// <summary>Largest worker count (a PACKET_FANOUT group takes at most 256 sockets).</summary>
    public const int MaxWorkers = 256;

    /// <summary>Largest CPU number a worker can be pinned to (glibc's cpu_set_t holds 1,024).</summary>
    public const int MaxCpu = 1023;

    /// <summary>Packet workers; null ("auto", the default) means one per CPU lvsd may run on.</summary>
    public int? Workers { get; init; }

    /// <summary>CPUs to pin the workers to, worker n to entry n modulo the count; empty (the default) pins nothing.</summary>
    public IReadOnlyList<int> Cpus { get; init; } = [];

    /// <summary>Value equality, the CPU list compared element by element (a record compares lists by reference).</summary>
    public bool SameAs(DataPathConfiguration other) =>
        other is not null && Workers == other.Workers && Cpus.SequenceEqual(other.Cpus);
}
