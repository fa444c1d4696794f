namespace LvsDirector.DataPath;

/// <summary>
/// One slot of <see cref="FragmentTracker{TKey}"/>: the ports (and TCP flags) the first fragment of a datagram carried, so the
/// later fragments, which have no transport header, find the same connection.
/// </summary>
internal struct FragmentFlow<TKey>
    where TKey : struct, IEquatable<TKey>
{
    public TKey Key;
    public long ExpiresAtMs;
    public ushort SourcePort;
    public ushort DestinationPort;
    public byte TcpFlags;
    public bool InUse;

    /// <summary>Payload bytes seen so far, over all fragments.</summary>
    public int Covered;

    /// <summary>Payload bytes of the whole datagram, known once the last fragment (MF clear) is seen; -1 until then.</summary>
    public int Total;
}
