namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "dh": a 256-bucket table filled with the destinations in list order, round robin and regardless of weight;
/// the virtual (destination) address hashes to a bucket as (address * 2654435761) &amp; 255 (ip_vs_dh.c).
/// </summary>
/// <remarks>
/// A bucket whose server is quiescent (weight 0) or overloaded gives null; dh has no fallback flag. Weights are
/// captured by <see cref="Update"/>; the overload flag is read live.
/// </remarks>
public sealed class DestinationHashingScheduler : Scheduler
{
    public const string SchedulerName = "dh";

    private HashBucketTable _table = HashBucketTable.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var array = SchedulerSnapshot.CopyDestinations(destinations);
        var weights = SchedulerSnapshot.CopyWeights(array);
        var buckets = new SchedulerDestination?[HashBucketTable.Size];
        var bucketWeights = new int[HashBucketTable.Size];
        for (int i = 0; i < HashBucketTable.Size && array.Length > 0; i++)
        {
            buckets[i] = array[i % array.Length];
            bucketWeights[i] = weights[i % array.Length];
        }

        Volatile.Write(ref _table, new HashBucketTable(buckets, bucketWeights));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var table = Volatile.Read(ref _table);
        int bucket = Bucket(input.DestinationAddress);
        return table.Buckets[bucket] is { } destination && table.IsAvailable(bucket) ? destination : null;
    }

    /// <summary>ip_vs_dh_hashkey for IPv4 (the low 8 bits of the product do not depend on its width).</summary>
    internal static int Bucket(uint address) => (int)((address * 2654435761u) & HashBucketTable.Mask);
}
