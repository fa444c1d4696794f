namespace LvsDirector.DataPath;

/// <summary>
/// What ties the fragments of one IPv4 datagram together (RFC 791): source, destination, protocol and identification.
/// Public only so tests can name it as a type argument; the tracker itself is internal.
/// </summary>
public readonly record struct FragmentKey(uint Source, uint Destination, byte Protocol, ushort Identification)
{
    // HashCode is seeded per process, so crafted ids cannot aim at one bucket.
    public override int GetHashCode() => HashCode.Combine(Source, Destination, Identification | (Protocol << 16));
}
