using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace LvsDirector.Packets;

/// <summary>
/// IPv6 addresses in the data path are <see cref="UInt128"/> values whose most significant byte is the first byte on
/// the wire, the IPv6 counterpart of the host-order <see cref="uint"/> used for IPv4: comparisons, masks and prefix
/// arithmetic work on the number directly.
/// </summary>
public static class Ipv6Address
{
    public const int Length = 16;

    public static UInt128 Read(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadUInt128BigEndian(bytes);

    public static void Write(Span<byte> destination, UInt128 address) => BinaryPrimitives.WriteUInt128BigEndian(destination, address);

    /// <summary>Converts an IPv6 address; throws <see cref="ArgumentException"/> for IPv4 ones.</summary>
    public static UInt128 FromIPAddress(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            throw new ArgumentException($"'{address}' is not an IPv6 address.", nameof(address));
        }

        Span<byte> bytes = stackalloc byte[Length];
        address.TryWriteBytes(bytes, out _);
        return Read(bytes);
    }

    public static IPAddress ToIPAddress(UInt128 address)
    {
        Span<byte> bytes = stackalloc byte[Length];
        Write(bytes, address);
        return new IPAddress(bytes);
    }

    /// <summary>RFC 5952 text ("2001:db8::1"), without brackets.</summary>
    public static string Format(UInt128 address) => ToIPAddress(address).ToString();

    /// <summary>Parses IPv6 text, with or without brackets. Throws <see cref="FormatException"/> otherwise.</summary>
    public static UInt128 Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out UInt128 address) ? address : throw new FormatException($"'{text}' is not an IPv6 address.");
    }

    public static bool TryParse(ReadOnlySpan<char> text, out UInt128 address)
    {
        if (text.Length > 2 && text[0] == '[' && text[^1] == ']')
        {
            text = text[1..^1];
        }

        // IPAddress also accepts IPv4 text and scope ids; neither is an IPv6 service or server address.
        if (text.IndexOf(':') < 0 || text.IndexOf('%') >= 0 || !IPAddress.TryParse(text, out IPAddress? parsed)
            || parsed.AddressFamily != AddressFamily.InterNetworkV6)
        {
            address = default;
            return false;
        }

        address = FromIPAddress(parsed);
        return true;
    }

    /// <summary>
    /// The 32-bit fold IPVS hashes IPv6 addresses with (the XOR of the four words, as ip_vs_sh_hashkey and its siblings
    /// do), so the hashing schedulers keep one 32-bit key for both families.
    /// </summary>
    public static uint Fold(UInt128 address) =>
        (uint)(address >> 96) ^ (uint)(address >> 64) ^ (uint)(address >> 32) ^ (uint)address;

    /// <summary>The mask of a prefix length 0..128 (persistence granularity, on-link prefixes).</summary>
    public static UInt128 PrefixMask(int prefixLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, 128);
        return prefixLength == 0 ? UInt128.Zero : UInt128.MaxValue << (128 - prefixLength);
    }

    /// <summary>The solicited-node multicast address (ff02::1:ffXX:XXXX) a Neighbor Solicitation for address goes to (RFC 4291 2.7.1).</summary>
    public static UInt128 SolicitedNodeMulticast(UInt128 address) =>
        new UInt128(0xFF02_0000_0000_0000UL, 0x0000_0001_FF00_0000UL) | (address & 0xFF_FFFF);

    /// <summary>The Ethernet multicast MAC of an IPv6 multicast group: 33:33 and the low 32 bits (RFC 2464 7).</summary>
    public static MacAddress MulticastMac(UInt128 group)
    {
        Span<byte> mac = stackalloc byte[6];
        mac[0] = 0x33;
        mac[1] = 0x33;
        BinaryPrimitives.WriteUInt32BigEndian(mac[2..], (uint)group);
        return MacAddress.Read(mac);
    }

    /// <summary>fe80::/10.</summary>
    public static bool IsLinkLocal(UInt128 address) => (address >> 118) == 0x3FA;

    /// <summary>ff00::/8.</summary>
    public static bool IsMulticast(UInt128 address) => (address >> 120) == 0xFF;
}
