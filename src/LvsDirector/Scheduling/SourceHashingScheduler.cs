namespace LvsDirector.Scheduling;

/// <summary>
/// IPVS "sh": a 256-bucket table filled in list order, each destination taking <c>weight</c> consecutive buckets
/// (at least one, even at weight 0), repeated until the table is full; the client address (plus the source port
/// with sh-port) hashes to a bucket (ip_vs_sh.c).
/// </summary>
/// <remarks>
/// Hash: (offset + hash_32(port + address, 8)) &amp; 255, hash_32 being the kernel's multiply by 0x61C88647 keeping
/// the top bits. A bucket whose server is quiescent or overloaded gives null, unless sh-fallback (flag-1) is set:
/// then the kernel's walk tries offsets 0..255 from the original hash and takes the first available server.
/// sh-port (flag-2) adds the source port for TCP, UDP and SCTP only. Weights are captured by <see cref="Update"/>.
/// </remarks>
public sealed class SourceHashingScheduler : Scheduler
{
    public const string SchedulerName = "sh";

    private HashBucketTable _table = HashBucketTable.Empty;

    public override string Name => SchedulerName;

    public override void Update(IReadOnlyList<SchedulerDestination> destinations)
    {
        ArgumentNullException.ThrowIfNull(destinations);
        var array = SchedulerSnapshot.CopyDestinations(destinations);
        var weights = SchedulerSnapshot.CopyWeights(array);
        var buckets = new SchedulerDestination?[HashBucketTable.Size];
        var bucketWeights = new int[HashBucketTable.Size];
        if (array.Length > 0)
        {
            int current = 0;
            int filled = 0;
            for (int i = 0; i < HashBucketTable.Size; i++)
            {
                buckets[i] = array[current];
                bucketWeights[i] = weights[current];
                if (++filled >= weights[current])
                {
                    current = current + 1 == array.Length ? 0 : current + 1;
                    filled = 0;
                }
            }
        }

        Volatile.Write(ref _table, new HashBucketTable(buckets, bucketWeights));
    }

    public override SchedulerDestination? Schedule(in ScheduleInput input)
    {
        var table = Volatile.Read(ref _table);
        var flags = Flags;
        uint port = (flags & SchedulerFlags.Port) != 0 && HasPorts(input.Protocol) ? input.SourcePort : 0u;
        uint key = port + input.SourceAddress;
        int first = Bucket(key, 0);
        var destination = table.Buckets[first];
        if (destination is null)
        {
            return null;
        }

        if (table.IsAvailable(first))
        {
            return destination;
        }

        if ((flags & SchedulerFlags.Fallback) == 0)
        {
            return null;
        }

        // The kernel re-hashes with offset (offset + first), so the walk starts at 2 * first, not at first + 1.
        for (int offset = 0; offset < HashBucketTable.Size; offset++)
        {
            int bucket = Bucket(key, (uint)((offset + first) & HashBucketTable.Mask));
            if (table.Buckets[bucket] is null)
            {
                break;
            }

            if (table.IsAvailable(bucket))
            {
                return table.Buckets[bucket];
            }
        }

        return null;
    }

    /// <summary>ip_vs_sh_hashkey for IPv4; <paramref name="key"/> is port + address, both host order.</summary>
    internal static int Bucket(uint key, uint offset) =>
        (int)((offset + ((key * 0x61C88647u) >> (32 - HashBucketTable.Bits))) & HashBucketTable.Mask);

    internal static bool HasPorts(byte protocol) => protocol is 6 or 17 or 132;
}
