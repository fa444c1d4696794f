using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace LvsDirector.Packets;

/// <summary>
/// Field accessors over the 40-byte fixed IPv6 header (RFC 8200) and the extension header numbers the parser walks.
/// Addresses are <see cref="UInt128"/> as in <see cref="Ipv6Address"/>. Callers check the length (40) first. IPv6 has
/// no header checksum, so setters need no fix-up here (the transport pseudo-header does: see <see cref="Checksum"/>).
/// </summary>
public static class Ipv6Header
{
    public const int Length = 40;

    public const byte HopByHopOptions = 0;
    public const byte Routing = 43;
    public const byte Fragment = 44;
    public const byte NoNextHeader = 59;
    public const byte DestinationOptions = 60;

    /// <summary>Length of the fragment extension header.</summary>
    public const int FragmentHeaderLength = 8;

    /// <summary>Mask of the fragment offset in the fragment header's offset word; the masked value is the offset in bytes.</summary>
    public const ushort FragmentOffsetMask = 0xFFF8;

    /// <summary>M flag of the fragment header's offset word.</summary>
    public const ushort MoreFragmentsFlag = 0x0001;

    /// <summary>The parser gives up (bad header) after this many extension headers: real packets carry one or two.</summary>
    public const int MaxExtensionHeaders = 8;

    /// <summary>Minimum link MTU of IPv6 (RFC 8200 5): the size an ICMPv6 error may reach.</summary>
    public const int MinimumMtu = 1280;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Version(ReadOnlySpan<byte> ip) => ip[0] >> 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte TrafficClass(ReadOnlySpan<byte> ip) => (byte)((BinaryPrimitives.ReadUInt16BigEndian(ip) >> 4) & 0xFF);

    /// <summary>The 20-bit flow label.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint FlowLabel(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt32BigEndian(ip) & 0xF_FFFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort PayloadLength(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte NextHeader(ReadOnlySpan<byte> ip) => ip[6];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte HopLimit(ReadOnlySpan<byte> ip) => ip[7];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Source(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt128BigEndian(ip[8..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt128 Destination(ReadOnlySpan<byte> ip) => BinaryPrimitives.ReadUInt128BigEndian(ip[24..]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetPayloadLength(Span<byte> ip, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(ip[4..], value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetNextHeader(Span<byte> ip, byte value) => ip[6] = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetHopLimit(Span<byte> ip, byte value) => ip[7] = value;

    /// <summary>Raw setter: a TCP/UDP/ICMPv6 checksum covering this address must be updated by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSource(Span<byte> ip, UInt128 address) => BinaryPrimitives.WriteUInt128BigEndian(ip[8..], address);

    /// <summary>Raw setter: a TCP/UDP/ICMPv6 checksum covering this address must be updated by the caller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetDestination(Span<byte> ip, UInt128 address) => BinaryPrimitives.WriteUInt128BigEndian(ip[24..], address);

    /// <summary>Decrements the hop limit; false, changing nothing, when it is 0 or 1 (the packet must not be forwarded).</summary>
    public static bool DecrementHopLimit(Span<byte> ip)
    {
        byte hopLimit = ip[7];
        if (hopLimit <= 1)
        {
            return false;
        }

        ip[7] = (byte)(hopLimit - 1);
        return true;
    }

    /// <summary>
    /// Writes a fresh 40-byte header (version 6). Returns <see cref="Length"/>, or 0 when <paramref name="ip"/> is too short.
    /// </summary>
    public static int Write(
        Span<byte> ip, byte trafficClass, uint flowLabel, ushort payloadLength, byte nextHeader, byte hopLimit, UInt128 source, UInt128 destination)
    {
        if (ip.Length < Length)
        {
            return 0;
        }

        BinaryPrimitives.WriteUInt32BigEndian(ip, (6u << 28) | ((uint)trafficClass << 20) | (flowLabel & 0xF_FFFF));
        SetPayloadLength(ip, payloadLength);
        ip[6] = nextHeader;
        ip[7] = hopLimit;
        SetSource(ip, source);
        SetDestination(ip, destination);
        return Length;
    }
}
