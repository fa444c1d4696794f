namespace LvsDirector.DataPath;

/// <summary>
/// What ties the fragments of one IPv6 datagram together (RFC 8200 section 4.5): source, destination and the fragment
/// header's 32-bit identification. Unlike IPv4, the protocol is not part of it.
/// </summary>
public readonly record struct Ipv6FragmentKey(UInt128 Source, UInt128 Destination, uint Identification)
{
    // HashCode is seeded per process, so crafted ids cannot aim at one bucket.
    public override int GetHashCode() => HashCode.Combine(Source, Destination, Identification);
}
