namespace LvsDirector.Scheduling;

/// <summary>
/// The 256-bucket table of sh and dh: each bucket names a destination, with the weight captured when the table was
/// built so a lookup needs no other state. Built whole by Update and published by one reference swap.
/// </summary>
internal sealed class HashBucketTable
{
    /// <summary>IP_VS_SH_TAB_BITS / IP_VS_DH_TAB_BITS default.</summary>
    public const int Bits = 8;

    public const int Size = 1 << Bits;

    public const int Mask = Size - 1;

    public static readonly HashBucketTable Empty = new(new SchedulerDestination?[Size], new int[Size]);

    public HashBucketTable(SchedulerDestination?[] buckets, int[] weights)
    {
        Buckets = buckets;
        Weights = weights;
    }

    public SchedulerDestination?[] Buckets { get; }

    public int[] Weights { get; }

    /// <summary>is_unavailable of ip_vs_sh.c / the checks of ip_vs_dh.c: quiescent or overloaded.</summary>
    public bool IsAvailable(int bucket) => Weights[bucket] > 0 && !Buckets[bucket]!.IsOverloaded;
}
