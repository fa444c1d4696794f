namespace LvsDirector.HighAvailability;

/// <summary>What a VRRP instance sent, received and dropped; written under the instance lock, read from anywhere.</summary>
public sealed class VrrpCounters
{
    internal long AdvertisementsSent;
    internal long SendFailures;
    internal long AdvertisementsReceived;
    internal long PriorityZeroReceived;
    internal long PriorityZeroSent;
    internal long BadLength;
    internal long BadTtl;
    internal long BadVersion;
    internal long BadChecksum;
    internal long BadAuthentication;
    internal long IntervalMismatch;
    internal long AddressMismatch;
    internal long OtherRouterId;
    internal long BecameMaster;

    public long AdvertisementsSentCount => Volatile.Read(ref AdvertisementsSent);

    public long AdvertisementsReceivedCount => Volatile.Read(ref AdvertisementsReceived);

    /// <summary>Adverts dropped as malformed or not for this router's version (bad length, TTL, version, checksum, authentication, interval).</summary>
    public long Dropped =>
        Volatile.Read(ref BadLength) + Volatile.Read(ref BadTtl) + Volatile.Read(ref BadVersion) + Volatile.Read(ref BadChecksum)
        + Volatile.Read(ref BadAuthentication) + Volatile.Read(ref IntervalMismatch);

    /// <summary>Every counter by its metric-friendly name.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Snapshot() =>
    [
        new("adverts_sent", Volatile.Read(ref AdvertisementsSent)),
        new("send_failures", Volatile.Read(ref SendFailures)),
        new("adverts_received", Volatile.Read(ref AdvertisementsReceived)),
        new("priority_zero_received", Volatile.Read(ref PriorityZeroReceived)),
        new("priority_zero_sent", Volatile.Read(ref PriorityZeroSent)),
        new("bad_length", Volatile.Read(ref BadLength)),
        new("bad_ttl", Volatile.Read(ref BadTtl)),
        new("bad_version", Volatile.Read(ref BadVersion)),
        new("bad_checksum", Volatile.Read(ref BadChecksum)),
        new("bad_authentication", Volatile.Read(ref BadAuthentication)),
        new("interval_mismatch", Volatile.Read(ref IntervalMismatch)),
        new("address_mismatch", Volatile.Read(ref AddressMismatch)),
        new("other_router_id", Volatile.Read(ref OtherRouterId)),
        new("became_master", Volatile.Read(ref BecameMaster)),
    ];
}
