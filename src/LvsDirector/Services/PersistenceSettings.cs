using LvsDirector.Packets;

namespace LvsDirector.Services;

/// <summary>
/// A persistent service's settings (ipvsadm -p TIMEOUT -M NETMASK), replaced as one object so a packet worker
/// never sees a timeout from one edit and a mask from another. IPv4 services group clients with
/// <see cref="Netmask"/>, IPv6 services with <see cref="Ipv6Mask"/> (ipvsadm -M takes a prefix length for IPv6).
/// </summary>
/// <param name="TimeoutSeconds">How long a client network's template outlives its last new connection.</param>
/// <param name="Netmask">Host-order mask applied to IPv4 client addresses; 255.255.255.255 makes each client its own group.</param>
public sealed record PersistenceSettings(uint TimeoutSeconds, uint Netmask)
{
    /// <summary>ipvsadm's -p without a value.</summary>
    public const uint DefaultTimeoutSeconds = 300;

    public const uint HostMask = uint.MaxValue;

    /// <summary>ipvsadm's default IPv6 persistence granularity: every client its own group.</summary>
    public const int HostPrefixLength = 128;

    private readonly int _ipv6PrefixLength = HostPrefixLength;
    private readonly UInt128 _ipv6Mask = UInt128.MaxValue;

    /// <summary>Prefix length (1..128, ipvsadm -M for IPv6) applied to IPv6 client addresses.</summary>
    public int Ipv6PrefixLength
    {
        get => _ipv6PrefixLength;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, HostPrefixLength);
            _ipv6PrefixLength = value;
            _ipv6Mask = Ipv6Address.PrefixMask(value);
        }
    }

    /// <summary>The mask IPv6 client addresses are ANDed with, computed once from <see cref="Ipv6PrefixLength"/>.</summary>
    public UInt128 Ipv6Mask => _ipv6Mask;

    /// <summary>The IPv4 mask as ipvsadm prints it.</summary>
    public string NetmaskText => Ipv4Address.Format(Netmask);

    /// <summary>The mask as ipvsadm prints it for a service of the given family: dotted for IPv4, the prefix length for IPv6.</summary>
    public string MaskText(bool ipv6) =>
        ipv6 ? Ipv6PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture) : NetmaskText;

    public override string ToString() =>
        Ipv6PrefixLength == HostPrefixLength ? $"{TimeoutSeconds}s mask {NetmaskText}" : $"{TimeoutSeconds}s prefix /{Ipv6PrefixLength}";
}
