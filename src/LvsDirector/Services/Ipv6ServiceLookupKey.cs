namespace LvsDirector.Services;

/// <summary>
/// The (protocol, IPv6 VIP, port) lookup key of <see cref="ServiceTableSnapshot"/>: the IPv6 counterpart of the packed
/// ulong used for IPv4, a plain struct so a lookup allocates nothing.
/// </summary>
internal readonly struct Ipv6ServiceLookupKey : IEquatable<Ipv6ServiceLookupKey>
{
    private readonly UInt128 _address;
    private readonly uint _protocolAndPort;

    public Ipv6ServiceLookupKey(byte protocol, UInt128 address, ushort port)
    {
        _address = address;
        _protocolAndPort = ((uint)protocol << 16) | port;
    }

    public bool Equals(Ipv6ServiceLookupKey other) => _address == other._address && _protocolAndPort == other._protocolAndPort;

    public override bool Equals(object? obj) => obj is Ipv6ServiceLookupKey other && Equals(other);

    public override int GetHashCode()
    {
        var folded = (ulong)(_address >> 64) ^ (ulong)_address;
        return (int)((uint)(folded >> 32) ^ (uint)folded ^ (_protocolAndPort * 0x9E3779B1u));
    }
}
